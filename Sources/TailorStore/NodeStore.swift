import TailorCRDT
import Foundation
import GRDB
import Synchronization

/// A node's durable state: the records of the partitions it holds a replica of, in one
/// SQLite file in WAL mode (GRDB), and a digest per partition kept current as it commits.
///
/// Every ``commit(_:)`` is one transaction and returns only after SQLite committed it:
/// the node acknowledges a write after that. Merge rules are the records' own
/// (``ReplicatedRecord/merge(heldVersion:erasedAt:)``), so a retried or re-sent record
/// changes nothing and an erased shopper's events are never stored again.
package final class NodeStore: Sendable {
    /// How hard SQLite pushes each commit to the disk.
    package enum Durability: String, Sendable, CaseIterable {
        /// `synchronous = NORMAL`: a commit survives the process being killed (the WAL
        /// is in the kernel's page cache); a power loss can lose the last commits of this
        /// machine, which the other replicas of each write still hold.
        case process
        /// `synchronous = FULL`: every commit is fsynced before it returns.
        case power
    }

    /// What one commit changed, in the order it was asked.
    package struct Change: Sendable {
        /// The record's position in what was committed.
        package var index: Int
        package var partition: Int
        package var record: ReplicatedRecord
        /// For an erasure: the keys of the shopper's events it removed.
        package var erasedEvents: [String] = []

        package init(index: Int, partition: Int, record: ReplicatedRecord, erasedEvents: [String] = []) {
            self.index = index
            self.partition = partition
            self.record = record
            self.erasedEvents = erasedEvents
        }
    }

    package let path: String
    private let database: DatabasePool
    private struct Memory {
        var digests: [Int: PartitionDigest] = [:]
        /// Erasures held, by partition then shopper: what later events are checked against.
        var erasures: [Int: [String: Int64]] = [:]
    }
    private let memory = Mutex(Memory())

    /// Opens (creating when needed) the store at `path` and reads its digests.
    /// - Parameter loadDigests: read every partition's digest now; a node passes false and
    ///   loads each partition with ``load(partition:visit:)`` instead (one pass, in parallel).
    package init(path: String, durability: Durability = .process, loadDigests: Bool = true) throws {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .power ? "FULL" : "NORMAL")")
            // Pages of a store in the hundreds of megabytes: a larger cache and memory-mapped
            // reads keep inserts at random keys and start-up scans off the read() path.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
        }
        // A writer waiting for a checkpoint's lock waits instead of failing.
        configuration.busyMode = .timeout(10)
        database = try DatabasePool(path: path, configuration: configuration)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS records (
                    partition INTEGER NOT NULL,
                    bucket INTEGER NOT NULL,
                    kind INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    user TEXT NOT NULL,
                    body BLOB NOT NULL,
                    PRIMARY KEY (partition, bucket, kind, key)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS configuration (kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
                """)
        }
        storedPartitions = try database.read { db in
            // One seek per partition, not a scan of every record.
            var partitions: [Int] = []
            while let next = try Int.fetchOne(
                db, sql: "SELECT partition FROM records WHERE partition > ? ORDER BY partition LIMIT 1", arguments: [partitions.last ?? -1]
            ) {
                partitions.append(next)
            }
            return partitions
        }
        if loadDigests {
            for partition in storedPartitions { try load(partition: partition) { _ in } }
        }
    }

    /// The partitions the store held records of when it was opened.
    package let storedPartitions: [Int]

    /// Reads every record of `partition` once, registers (erasures, products, stock)
    /// first, computing the partition's digest and erasures as it goes (what
    /// ``commit(_:)`` and the replication calls rely on), and hands each record to `visit`.
    /// The start-up path of a node: one pass, partitions in parallel.
    package func load(partition: Int, visit: (RecordRow) throws -> Void) throws {
        var digest = PartitionDigest()
        var erasures: [String: Int64] = [:]
        try database.read { db in
            for kinds in ["2, 3, 4", "0, 1, 5, 6"] {
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT kind, key, version, user, body, bucket FROM records WHERE partition = ? AND kind IN (\(kinds))",
                    arguments: [partition]
                )
                while let row = try rows.next() {
                    guard let kind = ReplicatedRecord.Kind(rawValue: row[0]) else { continue }
                    let view = RecordRow(kind: kind, key: row[1], version: row[2], shopper: row[3], body: row.dataNoCopy(atIndex: 4) ?? Data())
                    digest.add(bucket: row[5], fingerprint: PartitionDigest.fingerprint(kind: kind, key: view.key, version: view.version))
                    if kind == .tombstone { erasures[view.key] = view.version }
                    try visit(view)
                }
            }
        }
        memory.withLock { memory in
            memory.digests[partition] = digest
            memory.erasures[partition] = erasures
        }
    }

    /// A row of the records table as ``load(partition:visit:)`` reads it: the body is
    /// valid only during the visit.
    package struct RecordRow {
        package var kind: ReplicatedRecord.Kind
        package var key: String
        package var version: Int64
        /// For events, the shopper (stored in the `user` column).
        package var shopper: String
        package var body: Data
    }

    // MARK: Writing

    /// Stores `records` (partition, record) in one transaction; returns what changed.
    /// An erasure also removes the shopper's events at or before it, in the same transaction.
    @discardableResult
    package func commit(_ records: [(partition: Int, record: ReplicatedRecord)]) throws -> [Change] {
        guard !records.isEmpty else { return [] }
        // One commit at a time from decision to published digest: a commit must see
        // the erasures of the one before it.
        return try committing.withLock { _ in
            let erasures = memory.withLock { $0.erasures }
            let outcome = try database.write { db in try Self.write(records, erasures: erasures, db: db) }
            memory.withLock { memory in
                for edit in outcome.edits {
                    if let removed = edit.removed {
                        memory.digests[edit.partition, default: PartitionDigest()].remove(bucket: edit.bucket, fingerprint: removed)
                    }
                    if let added = edit.added {
                        memory.digests[edit.partition, default: PartitionDigest()].add(bucket: edit.bucket, fingerprint: added)
                    }
                }
                memory.erasures = outcome.erasures
            }
            return outcome.changes
        }
    }

    private let committing = Mutex(())
    private let group = GroupCommit()

    /// Commits `records` in the next group commit (``GroupCommit``): with the writes of
    /// other requests waiting at the same moment, in one transaction; returns after it
    /// committed, with this write's changes. What a node acknowledges goes through here.
    package func commitInGroup(_ records: [(partition: Int, record: ReplicatedRecord)]) async throws -> [Change] {
        guard !records.isEmpty else { return [] }
        return try await group.commit(records, into: self)
    }

    /// Transactions committed by ``commitInGroup(_:)`` and the writes they held.
    package var groupCommits: (transactions: Int, writes: Int) { group.counts }

    private struct DigestEdit {
        var partition: Int
        var bucket: Int
        var removed: UInt64?
        var added: UInt64?
    }

    private static func write(
        _ records: [(partition: Int, record: ReplicatedRecord)], erasures: [Int: [String: Int64]], db: Database
    ) throws -> (changes: [Change], edits: [DigestEdit], erasures: [Int: [String: Int64]]) {
        var erasures = erasures
        var changes: [Change] = []
        var edits: [DigestEdit] = []
        // The bucket is a function of the key, so it leads the primary key: one B-tree
        // serves point lookups and the bucket scans of anti-entropy.
        let select = try db.cachedStatement(sql: "SELECT version FROM records WHERE partition = ? AND bucket = ? AND kind = ? AND key = ?")
        let upsert = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO records (partition, kind, key, version, user, bucket, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        let insert = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO records (partition, kind, key, version, user, bucket, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        for (index, (partition, record)) in records.enumerated() {
            let erasedAt = record.isShoppers ? erasures[partition]?[record.shopper] : nil
            let held = record.isRegister ? try Int64.fetchOne(select, arguments: [partition, record.bucket, record.kind.rawValue, record.key]) : nil
            let decision = record.merge(heldVersion: held, erasedAt: erasedAt)
            guard decision == .insert || decision == .replace else { continue }
            let arguments: StatementArguments = [
                partition, record.kind.rawValue, record.key, record.version, record.shopper, record.bucket, Data(record.body),
            ]
            if record.isRegister {
                try upsert.execute(arguments: arguments)
            } else {
                try insert.execute(arguments: arguments)
                guard db.changesCount > 0 else { continue }  // a set member already held
            }
            edits.append(DigestEdit(
                partition: partition, bucket: record.bucket,
                removed: held.map { PartitionDigest.fingerprint(kind: record.kind, key: record.key, version: $0) },
                added: record.fingerprint
            ))
            var change = Change(index: index, partition: partition, record: record)
            if record.kind == .tombstone {
                erasures[partition, default: [:]][record.key] = record.version
                // The shopper's events and links (to the anonymous shoppers merged into it).
                for kind in [ReplicatedRecord.Kind.event, .link] {
                    let erased = try Row.fetchAll(
                        db, sql: "SELECT key, version FROM records WHERE partition = ? AND bucket = ? AND kind = ? AND user = ? AND version <= ?",
                        arguments: [partition, record.bucket, kind.rawValue, record.key, record.version]
                    )
                    try db.execute(
                        sql: "DELETE FROM records WHERE partition = ? AND bucket = ? AND kind = ? AND user = ? AND version <= ?",
                        arguments: [partition, record.bucket, kind.rawValue, record.key, record.version]
                    )
                    for row in erased {
                        let key: String = row[0]
                        let version: Int64 = row[1]
                        if kind == .event { change.erasedEvents.append(key) }
                        edits.append(DigestEdit(
                            partition: partition, bucket: record.bucket,
                            removed: PartitionDigest.fingerprint(kind: kind, key: key, version: version), added: nil
                        ))
                    }
                }
            }
            changes.append(change)
        }
        return (changes, edits, erasures)
    }

    /// Forgets a partition this node no longer holds (after hand-off).
    package func drop(partition: Int) throws {
        try committing.withLock { _ in
            try database.write { db in
                try db.execute(sql: "DELETE FROM records WHERE partition = ?", arguments: [partition])
            }
            memory.withLock { memory in
                memory.digests[partition] = nil
                memory.erasures[partition] = nil
            }
        }
    }

    // MARK: Reading

    /// The digest of a partition's records (empty for a partition never written).
    package func digest(of partition: Int) -> PartitionDigest {
        memory.withLock { $0.digests[partition] ?? PartitionDigest() }
    }

    /// Records held, over every partition.
    package var recordCount: Int {
        memory.withLock { $0.digests.values.reduce(0) { $0 + $1.recordCount } }
    }

    /// Partitions with at least one record.
    package var partitions: [Int] {
        memory.withLock { memory in memory.digests.filter { $0.value.recordCount > 0 }.keys.sorted() }
    }

    /// The records of `partition` in `buckets`.
    package func records(of partition: Int, buckets: [Int]) throws -> [ReplicatedRecord] {
        guard !buckets.isEmpty else { return [] }
        return try database.read { db in
            let list = buckets.map(String.init).joined(separator: ",")
            return try Self.fetch(db, sql: "SELECT kind, key, version, user, body FROM records WHERE partition = ? AND bucket IN (\(list))", arguments: [partition])
        }
    }

    /// Every record of `partition`, in the store's order (by bucket).
    package func records(of partition: Int) throws -> [ReplicatedRecord] {
        try database.read { db in
            try Self.fetch(db, sql: "SELECT kind, key, version, user, body FROM records WHERE partition = ?", arguments: [partition])
        }
    }

    /// The events held for `shopper` in `partition`, oldest first, and their erasure if any.
    package func events(of shopper: String, partition: Int) throws -> (events: [ReplicatedRecord], erasedAt: Int64?) {
        let events = try database.read { db in
            try Self.fetch(
                db, sql: "SELECT kind, key, version, user, body FROM records WHERE partition = ? AND bucket = ? AND kind = ? AND user = ? ORDER BY version",
                arguments: [partition, PartitionDigest.bucket(of: shopper), ReplicatedRecord.Kind.event.rawValue, shopper]
            )
        }
        return (events, memory.withLock { $0.erasures[partition]?[shopper] })
    }

    /// The links held for `shopper` in `partition` (anonymous shoppers merged into it), oldest first.
    package func links(of shopper: String, partition: Int) throws -> [ReplicatedRecord] {
        try database.read { db in
            try Self.fetch(
                db, sql: "SELECT kind, key, version, user, body FROM records WHERE partition = ? AND bucket = ? AND kind = ? AND user = ? ORDER BY version",
                arguments: [partition, PartitionDigest.bucket(of: shopper), ReplicatedRecord.Kind.link.rawValue, shopper]
            )
        }
    }

    private static func fetch(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ReplicatedRecord] {
        var records: [ReplicatedRecord] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            guard let kind = ReplicatedRecord.Kind(rawValue: row[0]) else { continue }
            let body: Data = row[4]
            records.append(ReplicatedRecord(kind: kind, key: row[1], version: row[2], shopper: row[3], body: [UInt8](body)))
        }
        return records
    }

    // MARK: Configuration

    /// Every configuration item of `kind` (`key`, …), as stored (one encoded register each).
    package func configuration(kind: String) throws -> [[UInt8]] {
        try database.read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM configuration WHERE kind = ? ORDER BY id", arguments: [kind]).map { [UInt8]($0) }
        }
    }

    /// Replaces the stored items of `kind` with these ids, in one transaction.
    package func storeConfiguration(kind: String, _ items: [(id: String, body: [UInt8])]) throws {
        guard !items.isEmpty else { return }
        try database.write { db in
            for item in items {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO configuration (kind, id, body) VALUES (?, ?, ?)", arguments: [kind, item.id, Data(item.body)]
                )
            }
        }
    }

    // MARK: Meta

    package func meta(_ key: String) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    package func setMeta(_ key: String, _ value: String) throws {
        try database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }
}
