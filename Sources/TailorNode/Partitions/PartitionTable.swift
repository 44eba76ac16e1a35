import Foundation
import Synchronization
import TailorCRDT
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
        /// Its handle on the node index (``NodeCatalog``).
        package var catalog: CatalogPartition
        /// False for a replica created empty on a membership change: until hand-off fills
        /// it, it takes writes but does not answer reads (another replica does).
        package var complete: Bool

        package init(shoppers: ShopperPartition, catalog: CatalogPartition, complete: Bool = true) {
            self.shoppers = shoppers
            self.catalog = catalog
            self.complete = complete
        }
    }

    private let replicas = Mutex<[Int: Replica]>([:])
    /// The codes shared by every catalog partition of this node: a request's
    /// strings are looked up in it once, not once per partition.
    package let vocabulary: Vocabulary
    /// The node index over every catalog partition held here.
    package let catalog: NodeCatalog
    /// The attribution windows of every shopper partition here (`--attribution-*-window`).
    package let attributionWindows: AttributionWindows
    private let lastGeneration = Atomic<UInt64>(0)

    /// The popularity landmark of the node index and of partitions built for it (the
    /// start of the day it was made), so that joining them rescales nothing.
    package let landmark: Int64

    package init(attributionWindows: AttributionWindows = .standard, landmark: Int64 = DecayedCounter.alignedLandmark(Int64(Date().timeIntervalSince1970 * 1000))) {
        self.attributionWindows = attributionWindows
        self.landmark = landmark
        let vocabulary = Vocabulary()
        self.vocabulary = vocabulary
        catalog = NodeCatalog(vocabulary: vocabulary, landmark: landmark)
    }

    /// A new handle of `partition` on the node index, of a generation newer than any before.
    package func catalogHandle(partition: Int, ownsProduct: @escaping @Sendable (String) -> Bool) -> CatalogPartition {
        let generation = lastGeneration.wrappingAdd(1, ordering: .relaxed).newValue
        return CatalogPartition(NodeCatalog.Slot(partition: partition, generation: generation, owns: ownsProduct), in: catalog)
    }

    /// An empty replica of `partition`: no shoppers, no products.
    package func emptyReplica(partition: Int, complete: Bool, ownsProduct: @escaping @Sendable (String) -> Bool) -> Replica {
        Replica(
            shoppers: ShopperPartition(partition: partition, outcomes: OutcomeLedger(windows: attributionWindows)),
            catalog: catalogHandle(partition: partition, ownsProduct: ownsProduct),
            complete: complete
        )
    }

    package func install(_ replica: Replica, partition: Int) {
        replicas.withLock { $0[partition] = replica }
    }

    /// Installs a replica whose products were built apart (`built`, coded with
    /// ``vocabulary``): they join the node index before its next call.
    package func install(shoppers: ShopperPartition, built: CatalogIndex, partition: Int, complete: Bool, ownsProduct: @escaping @Sendable (String) -> Bool) {
        let handle = catalogHandle(partition: partition, ownsProduct: ownsProduct)
        catalog.stage(built, as: handle.slot)
        install(Replica(shoppers: shoppers, catalog: handle, complete: complete), partition: partition)
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
                replicas[partition] = emptyReplica(partition: partition, complete: false) { shardMap.partition(of: $0) == partition }
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
