import Foundation
import Testing

import TailorCRDT
import TailorStore

@Suite("Node store: SQLite records, merge rules, digests")
struct NodeStoreTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var path: String { directory.appendingPathComponent("node.sqlite").path }

    static func event(_ id: String, shopper: String = "u1", at: Int64 = 1_000) -> ReplicatedRecord {
        ReplicatedRecord(kind: .event, key: id, version: at, shopper: shopper, body: Array(id.utf8))
    }

    @Test("a retried event is stored once, and records survive reopening with the same digest")
    func retriesAndReopen() throws {
        let store = try NodeStore(path: path)
        let first = try store.commit([(3, Self.event("e1")), (3, Self.event("e2"))])
        let retry = try store.commit([(3, Self.event("e1")), (3, Self.event("e3"))])
        #expect(first.map(\.record.key) == ["e1", "e2"])
        #expect(retry.map(\.record.key) == ["e3"])
        #expect(store.digest(of: 3).recordCount == 3)

        let reopened = try NodeStore(path: path)
        #expect(reopened.digest(of: 3) == store.digest(of: 3))
        #expect(Set(try reopened.records(of: 3).map(\.key)) == ["e1", "e2", "e3"])
        #expect(reopened.partitions == [3])
    }

    @Test("products and stock keep the highest version; an older write changes nothing")
    func lastWriterWins() throws {
        let store = try NodeStore(path: path)
        try store.commit([(1, ReplicatedRecord(kind: .product, key: "p1", version: 5, body: [5]))])
        let older = try store.commit([(1, ReplicatedRecord(kind: .product, key: "p1", version: 4, body: [4]))])
        let newer = try store.commit([(1, ReplicatedRecord(kind: .product, key: "p1", version: 7, body: [7]))])
        #expect(older.isEmpty)
        #expect(newer.count == 1)
        #expect(try store.records(of: 1).map(\.body) == [[7]])

        var expected = PartitionDigest()
        expected.add(ReplicatedRecord(kind: .product, key: "p1", version: 7, body: []))
        #expect(store.digest(of: 1) == expected, "the replaced version leaves the digest")
    }

    @Test("an erasure removes the shopper's earlier events and refuses them afterwards; later events stay")
    func erasure() throws {
        let store = try NodeStore(path: path)
        try store.commit([(2, Self.event("a", at: 100)), (2, Self.event("b", at: 200)), (2, Self.event("c", shopper: "u2", at: 150))])
        let erased = try store.commit([(2, ReplicatedRecord(kind: .tombstone, key: "u1", version: 300, body: []))])
        #expect(erased.first?.erasedEvents.sorted() == ["a", "b"])
        #expect(try store.events(of: "u1", partition: 2).events.isEmpty)

        // A replica that missed the erasure sends the events again: refused.
        #expect(try store.commit([(2, Self.event("a", at: 100))]).isEmpty)
        // An event after the erasure is a new history.
        #expect(try store.commit([(2, Self.event("d", at: 400))]).count == 1)

        let reopened = try NodeStore(path: path)
        #expect(try reopened.commit([(2, Self.event("b", at: 200))]).isEmpty, "the erasure outlives a restart")
        #expect(try reopened.events(of: "u1", partition: 2).events.map(\.key) == ["d"])
        #expect(try reopened.events(of: "u2", partition: 2).events.map(\.key) == ["c"])
    }

    @Test("records of a bucket are what another replica's digest says it lacks; drop forgets a partition")
    func bucketsAndDrop() throws {
        let mine = try NodeStore(path: path)
        let other = try NodeStore(path: directory.appendingPathComponent("other.sqlite").path)
        let events = (0..<200).map { Self.event("e\($0)") }
        try mine.commit(events.map { (0, $0) })
        try other.commit(events.prefix(150).map { (0, $0) })

        let missing = other.digest(of: 0).differingBuckets(from: mine.digest(of: 0))
        let pulled = try mine.records(of: 0, buckets: missing)
        try other.commit(pulled.map { (0, $0) })
        #expect(other.digest(of: 0) == mine.digest(of: 0))
        #expect(missing.count < PartitionDigest.bucketCount, "only the differing buckets travel")

        try mine.drop(partition: 0)
        #expect(mine.partitions.isEmpty)
        #expect(try mine.records(of: 0).isEmpty)
    }
}
