import Synchronization
import TailorMembership
import TailorOutcomes
import TailorScoring

/// The partitions this node holds a replica of, by partition number.
///
/// Filled at start-up for the shard map of the members named then; when membership
/// changes, ``adopt(_:member:)`` adds an empty replica for each partition the new map
/// gives this node (it takes writes at once; its data arrives with hand-off,
/// `Replication`). `install` and `release` are the two moves a rebalance makes.
package final class PartitionTable: Sendable {
    /// One partition's replica on this node: its shoppers and its products.
    package struct Replica: Sendable {
        package var shoppers: ShopperPartition
        package var catalog: CatalogPartition
        /// False for a replica created empty on a membership change: until hand-off fills
        /// it, it takes writes but does not answer reads (another replica does).
        package var complete: Bool

        package init(shoppers: ShopperPartition, catalog: CatalogPartition, complete: Bool = true) {
            self.shoppers = shoppers
            self.catalog = catalog
            self.complete = complete
        }

        /// An empty replica of `partition`, its catalog coded with `vocabulary`.
        package static func empty(
            partition: Int, vocabulary: Vocabulary, windows: AttributionWindows = .standard, complete: Bool,
            ownsProduct: @escaping @Sendable (String) -> Bool
        ) -> Replica {
            Replica(
                shoppers: ShopperPartition(partition: partition, outcomes: OutcomeLedger(windows: windows)),
                catalog: CatalogPartition(partition: partition, index: CatalogIndex(vocabulary: vocabulary), ownsProduct: ownsProduct),
                complete: complete
            )
        }
    }

    private let replicas = Mutex<[Int: Replica]>([:])
    /// The codes shared by every catalog partition of this node: a request's
    /// strings are looked up in it once, not once per partition.
    package let vocabulary = Vocabulary()
    /// The attribution windows of every shopper partition here (`--attribution-*-window`).
    package let attributionWindows: AttributionWindows

    package init(attributionWindows: AttributionWindows = .standard) {
        self.attributionWindows = attributionWindows
    }

    package func install(_ replica: Replica, partition: Int) {
        replicas.withLock { $0[partition] = replica }
    }

    @discardableResult
    package func release(_ partition: Int) -> Replica? {
        replicas.withLock { $0.removeValue(forKey: partition) }
    }

    /// Adds an empty, incomplete replica for every partition `shardMap` gives `member`
    /// that this node does not hold; returns those partitions. Partitions the map no
    /// longer gives it are kept (until hand-off, they are the only copy it has).
    @discardableResult
    package func adopt(_ shardMap: ShardMap, member: String) -> [Int] {
        let wanted = shardMap.partitions(heldBy: member)
        return replicas.withLock { replicas in
            var added: [Int] = []
            for partition in wanted where replicas[partition] == nil {
                replicas[partition] = .empty(partition: partition, vocabulary: vocabulary, windows: attributionWindows, complete: false) {
                    shardMap.partition(of: $0) == partition
                }
                added.append(partition)
            }
            return added
        }
    }

    /// The replica of `partition` has all its data (catch-up or hand-off finished): it answers reads.
    package func markComplete(_ partition: Int) {
        replicas.withLock { $0[partition]?.complete = true }
    }

    package subscript(partition: Int) -> Replica? {
        replicas.withLock { $0[partition] }
    }

    /// The partitions held, ascending.
    package var partitions: [Int] {
        replicas.withLock { $0.keys.sorted() }
    }
}
