import Testing
import TailorModel
@testable import TailorScoring

@Suite struct RecentIDsTests {
    @Test func aRememberedIDIsRefusedAndTheOldestIsForgottenBeyondCapacity() {
        var ids = RecentIDs(capacity: 3)
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

    @Test func aShopperRemembersOnlyTheirLatestEventIDs() {
        var profile = ShopperProfile()
        let shoe = Fixture.ref(Fixture.product("shoe"))
        let total = ShopperProfile.rememberedEventIDs + 5
        for n in 0..<total {
            _ = profile.record(Fixture.event("e\(n)", .view, [shoe], at: Fixture.now - Int64(total - n) * 1_000))
        }
        #expect(profile.eventCount == total)
        // A retry of a recent event is still recognised...
        let outcome8 = profile.record(Fixture.event("e\(total - 1)", .view, [shoe], at: Fixture.now - 1_000)) == nil
        #expect(outcome8)
        // ...and one from before the last 1,000 counts again: memory stays bounded.
        let outcome9 = profile.record(Fixture.event("e0", .view, [shoe], at: Fixture.now - Int64(total) * 1_000)) != nil
        #expect(outcome9)
        #expect(profile.eventCount == total + 1)
    }

    @Test func aPartitionCountsAnEventOnceWhileItRemembersItsID() {
        var index = Fixture.index([Fixture.product("a")])
        let signals = Fixture.signals("e1", interactions: [("a", 1)])
        let outcome10 = index.apply(signals) { _ in true }
        #expect(outcome10)
        let once = index.counters(of: "a", nowMillis: Fixture.now).popularity
        let outcome11 = !index.apply(signals) { _ in true }
        #expect(outcome11)
        #expect(index.counters(of: "a", nowMillis: Fixture.now).popularity == once)
        // Beyond the window the id is forgotten (bounded memory), and counts again.
        for n in 0..<CatalogIndex.rememberedEventIDs {
            _ = index.apply(Fixture.signals("other\(n)", interactions: [("a", 0)])) { _ in true }
        }
        let outcome12 = index.apply(signals) { _ in true }
        #expect(outcome12)
        #expect(index.appliedEvents.count == CatalogIndex.rememberedEventIDs)
    }
}
