import Testing
@testable import TailorCRDT

@Suite struct RecentKeysTests {
    @Test func aRememberedKeyIsRefusedAndTheOldestIsForgottenBeyondCapacity() {
        var ids = RecentKeys<String>(capacity: 3)
        let outcome1 = ids.insert("a")
        #expect(outcome1)
        let outcome2 = ids.insert("b")
        #expect(outcome2)
        let outcome3 = !ids.insert("a")
        #expect(outcome3)
        let outcome4 = ids.insert("c")
        #expect(outcome4)
        let outcome5 = ids.insert("d")
        #expect(outcome5)
        // "a" was the oldest: forgotten, so it is accepted again; "b" is next to go.
        #expect(ids.count == 3)
        #expect(!ids.contains("a"))
        let outcome6 = ids.insert("a")
        #expect(outcome6)
        #expect(!ids.contains("b"))
        let outcome7 = !ids.insert("d")
        #expect(outcome7)
        #expect(ids.count == 3)
    }
}
