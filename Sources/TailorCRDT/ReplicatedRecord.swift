/// One piece of a partition's durable state, as replicas store and exchange it
/// (DESIGN.md §2): a shopper's event, an event's catalog-side contribution, a
/// product, a stock level, a shopper's erasure, or a link from an anonymous shopper. The body is opaque here (the
/// node encodes it); what merges is decided by kind, key and version alone.
package struct ReplicatedRecord: Sendable, Hashable {
    package enum Kind: Int, Sendable, CaseIterable {
        /// A shopper's event, keyed by event id, version = its time (ms). Grow-only set.
        case event = 0
        /// Co-occurrence contributions of the events of one routed batch to one catalog
        /// partition, keyed by the batch. Grow-only set; interactions are counted by
        /// gossip, not here.
        case contributions = 1
        /// A product, keyed by id; last writer wins by the shop's version. An empty body
        /// is a deletion at that version.
        case product = 2
        /// A stock level, keyed by product id; last writer wins by version.
        case stock = 3
        /// A shopper's erasure, keyed by shopper id, version = when (ms). It dominates every
        /// event of that shopper at or before it.
        case tombstone = 4
        /// Contributions of seed data (the demo shop) whose interactions are counted by
        /// the partition itself: seed data never passed through a gateway's counters.
        case seedContributions = 5
        /// An anonymous shopper whose history was merged into a known one, keyed by both,
        /// filed with the known shopper (`shopper`), version = when it was last linked (ms).
        /// Last writer wins, so replicas that each got another try agree on the latest;
        /// erased with the known shopper's events (the gateway erases the anonymous
        /// shopper too).
        case link = 6
    }

    package var kind: Kind
    package var key: String
    package var version: Int64
    /// For events and links: the shopper (what an erasure removes). Empty otherwise.
    package var shopper: String
    package var body: [UInt8]

    package init(kind: Kind, key: String, version: Int64, shopper: String = "", body: [UInt8]) {
        self.kind = kind
        self.key = key
        self.version = version
        self.shopper = shopper
        self.body = body
    }

    /// Whether this kind is a last-writer-wins register (a newer version replaces the
    /// held one); the other kinds are grow-only sets (the first copy stays).
    package var isRegister: Bool {
        kind == .product || kind == .stock || kind == .tombstone || kind == .link
    }

    /// What storing `self` does next to the copy held (`held`: its version, nil when
    /// none), given the erasure of its shopper held (`erasedAt`: the tombstone's time).
    package func merge(heldVersion held: Int64?, erasedAt: Int64?) -> MergeDecision {
        if isShoppers, let erasedAt, version <= erasedAt { return .erased }
        guard let held else { return .insert }
        return isRegister && version > held ? .replace : .keep
    }

    /// The bucket of the partition's digest this record counts in, and where the store
    /// files it: an event goes with its shopper (so a shopper's events and erasure share a
    /// bucket: erasure and export read one bucket), every other record with its key.
    package var bucket: Int { PartitionDigest.bucket(of: isShoppers ? shopper : key) }

    /// Whether the record belongs to a shopper (`shopper`): events and links, which an
    /// erasure of that shopper removes and refuses back.
    package var isShoppers: Bool { kind == .event || kind == .link }

    /// The record's identity and version as one 64-bit value: what a digest sums.
    package var fingerprint: UInt64 {
        PartitionDigest.fingerprint(kind: kind, key: key, version: version)
    }
}

package enum MergeDecision: Sendable, Equatable {
    /// Not held: store it.
    case insert
    /// A newer version of a register: store it in place of the held one.
    case replace
    /// Held at this or a newer version (a retry, or an older write): nothing changes.
    case keep
    /// An event of a shopper erased after it happened: never stored again.
    case erased
}
