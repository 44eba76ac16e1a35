/// A summary of one partition replica's records that two replicas can compare to find
/// what one lacks without sending the records: the records' keys fall in
/// ``bucketCount`` buckets, and each bucket keeps the XOR of its records' fingerprints
/// and their count. Equal buckets hold the same records (up to a 64-bit collision);
/// a bucket that differs is exchanged whole (anti-entropy, catch-up and hand-off).
///
/// XOR makes it incremental: adding and removing a record are the same operation,
/// in any order, so a store keeps its digest current as it commits.
package struct PartitionDigest: Sendable, Hashable {
    package static let bucketCount = 64

    package private(set) var xors: [UInt64]
    package private(set) var counts: [UInt32]

    package init() {
        xors = [UInt64](repeating: 0, count: Self.bucketCount)
        counts = [UInt32](repeating: 0, count: Self.bucketCount)
    }

    /// A digest received from a peer; nil when its shape is not this version's.
    package init?(xors: [UInt64], counts: [UInt32]) {
        guard xors.count == Self.bucketCount, counts.count == Self.bucketCount else { return nil }
        self.xors = xors
        self.counts = counts
    }

    package mutating func add(_ record: ReplicatedRecord) {
        add(bucket: record.bucket, fingerprint: record.fingerprint)
    }

    package mutating func remove(_ record: ReplicatedRecord) {
        remove(bucket: record.bucket, fingerprint: record.fingerprint)
    }

    package mutating func add(bucket: Int, fingerprint: UInt64) {
        xors[bucket] ^= fingerprint
        counts[bucket] &+= 1
    }

    package mutating func remove(bucket: Int, fingerprint: UInt64) {
        xors[bucket] ^= fingerprint
        counts[bucket] &-= 1
    }

    /// The buckets whose records differ between the two digests, ascending.
    package func differingBuckets(from other: PartitionDigest) -> [Int] {
        (0..<Self.bucketCount).filter { xors[$0] != other.xors[$0] || counts[$0] != other.counts[$0] }
    }

    /// Records held, over every bucket.
    package var recordCount: Int { counts.reduce(0) { $0 + Int($1) } }

    package static func bucket(of key: String) -> Int {
        Int(StableHash.fnv1a(key) % UInt64(bucketCount))
    }

    package static func fingerprint(kind: ReplicatedRecord.Kind, key: String, version: Int64) -> UInt64 {
        StableHash.mix(StableHash.fnv1a(key) ^ UInt64(kind.rawValue), UInt64(bitPattern: version))
    }
}

/// What one answer of a pull pass carries (the responder's side): the buckets, from
/// `start` on, where the asker's digest differs from the responder's, whole buckets,
/// until `maximumRecords` is reached; and where the next pull starts
/// (``PartitionDigest/bucketCount`` once every differing bucket was sent).
package struct PullPlan: Sendable, Equatable {
    package var buckets: [Int]
    package var nextBucket: Int

    package init(mine: PartitionDigest, theirs: PartitionDigest, start: Int, maximumRecords: Int) {
        buckets = []
        nextBucket = PartitionDigest.bucketCount
        var count = 0
        for bucket in mine.differingBuckets(from: theirs) where bucket >= start {
            if count >= max(1, maximumRecords) {
                nextBucket = bucket
                break
            }
            buckets.append(bucket)
            count += Int(mine.counts[bucket])
        }
    }
}
