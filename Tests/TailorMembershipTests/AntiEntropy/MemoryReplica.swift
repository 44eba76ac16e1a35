import TailorCRDT

/// One replica of one partition, in memory, applying the rules `NodeStore.commit`
/// applies in SQLite: each record's ``ReplicatedRecord/merge(heldVersion:erasedAt:)``
/// decides; a register replaced by a newer version leaves the digest (old fingerprint
/// removed, new one added); a set member is stored once; a stored tombstone records the
/// erasure and removes that shopper's events at or before it, from the records and the
/// digest; an event of a shopper erased at or after its time is refused.
struct MemoryReplica {
    /// A record's identity, as the store's primary key (kind, key).
    struct RecordID: Hashable {
        var kind: Int
        var key: String
    }

    let name: String
    /// Records by bucket of the digest, as the store reads them (`records(of:buckets:)`).
    private(set) var buckets = [[RecordID: ReplicatedRecord]](repeating: [:], count: PartitionDigest.bucketCount)
    private(set) var digest = PartitionDigest()
    /// Shopper → time of the erasure held.
    private(set) var erasures: [String: Int64] = [:]

    init(name: String) { self.name = name }

    /// Stores `records` in order; returns how many changed something (what `NodeStore.commit` reports).
    @discardableResult
    mutating func commit(_ records: [ReplicatedRecord]) -> Int {
        var stored = 0
        for record in records {
            let id = RecordID(kind: record.kind.rawValue, key: record.key)
            let erasedAt = record.kind == .event ? erasures[record.shopper] : nil
            let heldRecord = buckets[record.bucket][id]
            // The store reads the held version of registers only; set members rely on INSERT OR IGNORE.
            let held = record.isRegister ? heldRecord?.version : nil
            let decision = record.merge(heldVersion: held, erasedAt: erasedAt)
            guard decision == .insert || decision == .replace else { continue }
            if !record.isRegister, heldRecord != nil { continue }  // a set member already held
            if let heldRecord { digest.remove(heldRecord) }
            buckets[record.bucket][id] = record
            digest.add(record)
            stored += 1
            if record.kind == .tombstone {
                erasures[record.key] = record.version
                for bucket in buckets.indices {
                    let erased = buckets[bucket].filter { $0.value.kind == .event && $0.value.shopper == record.key && $0.value.version <= record.version }
                    for (id, event) in erased {
                        buckets[bucket][id] = nil
                        digest.remove(event)
                    }
                }
            }
        }
        return stored
    }

    /// The records of `buckets`, in a stable order (what a responder sends).
    func records(in buckets: [Int]) -> [ReplicatedRecord] {
        buckets.flatMap { bucket in
            self.buckets[bucket].values.sorted { ($0.kind.rawValue, $0.key) < ($1.kind.rawValue, $1.key) }
        }
    }

    /// Every record held.
    var records: Set<ReplicatedRecord> { Set(buckets.joined().map(\.value)) }

    var recordCount: Int { buckets.reduce(0) { $0 + $1.count } }

    /// The record held under (kind, key), if any.
    func record(_ kind: ReplicatedRecord.Kind, _ key: String) -> ReplicatedRecord? {
        buckets[PartitionDigest.bucket(of: key)][RecordID(kind: kind.rawValue, key: key)]
    }
}
