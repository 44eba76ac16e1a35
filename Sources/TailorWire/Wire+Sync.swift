import TailorCRDT
import Foundation

extension WireRecord {
    package init(_ record: ReplicatedRecord) {
        self.init()
        kind = UInt32(record.kind.rawValue)
        key = record.key
        version = record.version
        user = record.shopper
        body = Data(record.body)
    }

    /// The record, or a `WireError` for a kind this version does not know.
    package func model() throws(WireError) -> ReplicatedRecord {
        guard let kind = ReplicatedRecord.Kind(rawValue: Int(kind)) else {
            throw WireError(code: .malformed, message: "unknown record kind \(self.kind)")
        }
        return ReplicatedRecord(kind: kind, key: key, version: version, shopper: user, body: [UInt8](body))
    }
}

extension WirePartitionDigest {
    package init(partition: Int, digest: PartitionDigest, held: Bool, complete: Bool) {
        self.init()
        self.partition = UInt32(partition)
        xors = digest.xors
        counts = digest.counts
        self.held = held
        self.complete = complete
    }

    /// The digest, or nil when its shape is not this version's (64 buckets).
    package var model: PartitionDigest? { PartitionDigest(xors: xors, counts: counts) }
}
