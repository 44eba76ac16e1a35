import TailorModel
import Testing

@testable import TailorGateway

@Suite("identity merge: an anonymous shopper's history as a known shopper's")
struct IdentityMergeTests {
    static func event(_ id: String, _ type: EventType, shopper: String = "anon-1", at: Int64, recommendation: String = "") -> StoredEvent {
        StoredEvent(
            id: id, type: type, shopper: shopper, session: "s1", products: [ProductRef(id: "p-\(id)")], atMillis: at, recommendationID: recommendation
        )
    }

    @Test("merged ids are the same at every try, differ by pair and original, and fit an id's 128 bytes")
    func derivedIDs() {
        let long = String(repeating: "x", count: 128)
        let id = IdentityMerge.mergedEventID(of: long, anonymous: long, into: long)
        #expect(id.utf8.count <= 128)
        #expect(id == IdentityMerge.mergedEventID(of: long, anonymous: long, into: long))
        let ids: Set = [
            IdentityMerge.mergedEventID(of: "e1", anonymous: "a", into: "u"),
            IdentityMerge.mergedEventID(of: "e2", anonymous: "a", into: "u"),
            IdentityMerge.mergedEventID(of: "e1", anonymous: "a", into: "v"),
            IdentityMerge.mergedEventID(of: "e1", anonymous: "b", into: "u"),
            // The parts are length-prefixed: moving a character between them changes the id.
            IdentityMerge.mergedEventID(of: "e1", anonymous: "au", into: ""),
        ]
        #expect(ids.count == 5)
    }

    @Test("copies keep type, products, session and time under the known shopper; impressions and recommendation ids stay behind")
    func copies() {
        let history = [
            Self.event("e2", .addToCart, at: 200, recommendation: "rec-1"),
            Self.event("e1", .view, at: 100),
            Self.event("e3", .impression, at: 150, recommendation: "rec-1"),
            Self.event("e1", .view, at: 100),
            Self.event("x", .view, shopper: "someone-else", at: 120),
        ]
        let copies = IdentityMerge.events(history, of: "anon-1", into: "ava")
        #expect(copies.map(\.id) == ["e1", "e2"].map { IdentityMerge.mergedEventID(of: $0, anonymous: "anon-1", into: "ava") })
        #expect(copies.allSatisfy { $0.shopper == "ava" && $0.recommendationID.isEmpty && $0.session == "s1" })
        #expect(copies.map(\.type) == [.view, .addToCart])
        #expect(copies.map(\.atMillis) == [100, 200])
        #expect(copies.map { $0.products.map(\.id) } == [["p-e1"], ["p-e2"]])
        #expect(IdentityMerge.events(history, of: "anon-1", into: "ava") == copies, "the same copies at every try")
    }

    @Test("recent merges remember pairs, not either id alone, and forget the oldest beyond capacity")
    func recentMerges() {
        let recent = RecentMerges()
        recent.remember(anonymous: "a", shopper: "u")
        #expect(recent.contains(anonymous: "a", shopper: "u"))
        #expect(!recent.contains(anonymous: "u", shopper: "a"))
        #expect(!recent.contains(anonymous: "a", shopper: "v"))
        for index in 0..<RecentMerges.capacity { recent.remember(anonymous: "x\(index)", shopper: "u") }
        #expect(!recent.contains(anonymous: "a", shopper: "u"))
        #expect(recent.contains(anonymous: "x\(RecentMerges.capacity - 1)", shopper: "u"))
    }
}
