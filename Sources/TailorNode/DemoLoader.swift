import TailorDemo
import TailorMembership
import TailorModel
import TailorScoring

/// Builds this node's shard of the built-in demo shop.
///
/// Every member generates the same shop from the same seed and keeps only the
/// partitions the shard map gives it. Events take the same path as live ones: the
/// shopper's profile records them, and their catalog-side signals are applied to the
/// catalog partitions of the products they name.
enum DemoLoader {
    struct Loaded {
        var products = 0
        var shoppers = 0
        var events = 0
    }

    static func load(_ setup: NodeConfiguration.DemoSetup, shardMap: ShardMap, member: String, into table: PartitionTable) -> Loaded {
        let shop = DemoShop(configuration: setup.small ? .small : .standard)
        let heldPartitions = shardMap.partitions(heldBy: member)
        var held = [Bool](repeating: false, count: shardMap.partitionCount)
        for partition in heldPartitions { held[partition] = true }
        // Arrays indexed by partition, mutated in place (a dictionary's optional
        // round trip copied the index's columns on every event).
        var indexes = [CatalogIndex](repeating: CatalogIndex(), count: shardMap.partitionCount)
        var profiles = [[String: ShopperProfile]](repeating: [:], count: shardMap.partitionCount)
        var loaded = Loaded()
        for product in shop.products {
            let partition = shardMap.partition(of: product.id)
            if held[partition], indexes[partition].upsert(product) { loaded.products += 1 }
        }
        for level in shop.stock {
            let partition = shardMap.partition(of: level.product)
            if held[partition] { _ = indexes[partition].setStock(level) }
        }
        shop.forEachShopper(endingAtMillis: setup.endingAtMillis) { index, events in
            let user = DemoIDs.shopper(index)
            var profile = ShopperProfile()
            for event in events {
                guard let signals = profile.record(event) else { continue }
                for partition in catalogPartitions(of: signals, shardMap: shardMap) where held[partition] {
                    _ = indexes[partition].apply(signals) { shardMap.partition(of: $0) == partition }
                }
            }
            let userPartition = shardMap.partition(of: user)
            if held[userPartition] {
                profiles[userPartition][user] = profile
                loaded.shoppers += 1
                loaded.events += profile.eventCount
            }
        }
        for partition in heldPartitions {
            let owns: @Sendable (String) -> Bool = { shardMap.partition(of: $0) == partition }
            table.install(
                PartitionTable.Replica(
                    users: UserPartition(partition: partition, profiles: profiles[partition]),
                    catalog: CatalogPartition(partition: partition, index: indexes[partition], ownsProduct: owns)
                ),
                partition: partition
            )
        }
        return loaded
    }

    /// The catalog partitions an event's signals touch: those of the products it
    /// names (popularity) and of its pairs' targets (co-occurrence).
    static func catalogPartitions(of signals: EventSignals, shardMap: ShardMap) -> Set<Int> {
        var partitions = Set<Int>()
        for interaction in signals.interactions { partitions.insert(shardMap.partition(of: interaction.product)) }
        for pair in signals.pairs { partitions.insert(shardMap.partition(of: pair.target)) }
        return partitions
    }
}
