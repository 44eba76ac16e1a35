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

    @Test("concurrent writes share transactions (group commit), each answered with its own changes only")
    func groupCommit() async throws {
        let store = try NodeStore(path: path)
        let writers = 200
        // Each writer sends two events of its own and one of ten shared ids (a retry
        // racing through another connection): a shared id is stored for one writer only.
        let answers = try await withThrowingTaskGroup(of: (Int, [NodeStore.Change]).self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let records: [(partition: Int, record: ReplicatedRecord)] = [
                        (writer % 4, Self.event("w\(writer)-a")), (9, Self.event("shared-\(writer % 10)")), (writer % 4, Self.event("w\(writer)-b")),
                    ]
                    return (writer, try await store.commitInGroup(records))
                }
            }
            return try await group.reduce(into: [Int: [NodeStore.Change]]()) { $0[$1.0] = $1.1 }
        }
        var sharedStored: [String] = []
        for (writer, changes) in answers {
            let own = changes.map(\.record.key).filter { !$0.hasPrefix("shared") }
            #expect(own == ["w\(writer)-a", "w\(writer)-b"])
            for change in changes {
                // Numbered in the writer's own records: a, shared, b.
                let expected = change.record.key.hasSuffix("-a") ? 0 : change.record.key.hasSuffix("-b") ? 2 : 1
                #expect(change.index == expected)
                #expect(change.partition == (expected == 1 ? 9 : writer % 4))
            }
            sharedStored += changes.map(\.record.key).filter { $0.hasPrefix("shared") }
        }
        #expect(sharedStored.sorted() == (0..<10).map { "shared-\($0)" }.sorted())
        let counts = store.groupCommits
        #expect(counts.writes == writers)
        #expect(counts.transactions < writers, "200 writes at once should share transactions: \(counts)")
        #expect([0, 1, 2, 3, 9].map { store.digest(of: $0).recordCount }.reduce(0, +) == 2 * writers + 10)
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
