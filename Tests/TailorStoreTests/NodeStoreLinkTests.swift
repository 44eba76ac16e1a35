import Foundation
import Testing

import TailorCRDT
import TailorStore

/// Links (an anonymous shopper merged into a known one) are records of the known shopper.
@Suite("Node store: links of merged anonymous shoppers")
struct NodeStoreLinkTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-store-link-\(UUID().uuidString).sqlite").path

    static func link(_ anonymous: String, into shopper: String = "u1", at: Int64) -> ReplicatedRecord {
        ReplicatedRecord(kind: .link, key: "\(anonymous.utf8.count):\(anonymous)\(shopper)", version: at, shopper: shopper, body: Array(anonymous.utf8))
    }

    @Test("a link is stored once per pair (the latest time wins), filed with its shopper; the shopper's erasure removes it with the events and refuses it back")
    func erasedWithTheShopper() throws {
        let store = try NodeStore(path: path)
        let event = ReplicatedRecord(kind: .event, key: "e1", version: 100, shopper: "u1", body: [1])
        #expect(try store.commit([(4, event), (4, Self.link("anon-1", at: 200))]).count == 2)
        #expect(try store.commit([(4, Self.link("anon-1", at: 200))]).isEmpty, "linking again changes nothing")
        // Another try of the same link, later: the latest time wins (replicas that each got
        // another try converge on it), still one link.
        #expect(try store.commit([(4, Self.link("anon-1", at: 250))]).count == 1)
        #expect(try store.commit([(4, Self.link("anon-1", at: 220))]).isEmpty)
        #expect(try store.links(of: "u1", partition: 4).map(\.version) == [250])
        #expect(store.digest(of: 4).recordCount == 2)
        #expect(try store.links(of: "u1", partition: 4).map(\.body) == [Array("anon-1".utf8)])
        #expect(try store.links(of: "u2", partition: 4).isEmpty)
        #expect(try store.events(of: "u1", partition: 4).events.map(\.key) == ["e1"], "a link is not an event")

        try store.commit([(4, ReplicatedRecord(kind: .tombstone, key: "u1", version: 300, body: []))])
        #expect(try store.links(of: "u1", partition: 4).isEmpty)
        #expect(store.digest(of: 4).recordCount == 1, "only the tombstone is left")
        #expect(try store.commit([(4, Self.link("anon-1", at: 250))]).isEmpty, "a stale replica's link is refused")
        #expect(try store.commit([(4, Self.link("anon-2", at: 400))]).count == 1, "a link after the erasure is kept")

        let reopened = try NodeStore(path: path)
        #expect(reopened.digest(of: 4) == store.digest(of: 4))
        #expect(try reopened.links(of: "u1", partition: 4).map(\.version) == [400])
    }
}
