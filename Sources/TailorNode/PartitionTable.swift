import Synchronization
public import TailorScoring

/// The partitions this node holds a replica of, by partition number.
///
/// Membership is static in this version, so the table is filled once at start-up;
/// `install` and `release` are the two moves a rebalance will make.
public final class PartitionTable: Sendable {
    /// One partition's replica on this node: its shoppers and its products.
    public struct Replica: Sendable {
        public var users: UserPartition
        public var catalog: CatalogPartition

        public init(users: UserPartition, catalog: CatalogPartition) {
            self.users = users
            self.catalog = catalog
        }
    }

    private let replicas = Mutex<[Int: Replica]>([:])
    /// The codes shared by every catalog partition of this node: a request's
    /// strings are looked up in it once, not once per partition.
    public let vocabulary = Vocabulary()

    public init() {}

    public func install(_ replica: Replica, partition: Int) {
        replicas.withLock { $0[partition] = replica }
    }

    @discardableResult
    public func release(_ partition: Int) -> Replica? {
        replicas.withLock { $0.removeValue(forKey: partition) }
    }

    public subscript(partition: Int) -> Replica? {
        replicas.withLock { $0[partition] }
    }

    /// The partitions held, ascending.
    public var partitions: [Int] {
        replicas.withLock { $0.keys.sorted() }
    }
}
