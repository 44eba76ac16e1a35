import Foundation
import TailorMembership
import TailorModel
import TailorOutcomes
import TailorCRDT
import TailorScoring

/// Builds this node's shard of its seed (``SeedSource``: the built-in demo shop, say).
///
/// Every member generates the same shop from the same seed and keeps only the
/// partitions the shard map gives it. Events take the same path as live ones: the
/// shopper's profile records them, and their contributions are applied to the
/// catalog partitions of the products they name.
package enum SeedLoader {
    struct Loaded {
        var products = 0
        var shoppers = 0
        var events = 0
    }

    /// The held partitions' catalog indexes and shopper profiles, before any actor
    /// owns them (the pure part of loading, shared with `tailor-lab bench scoring`).
    package struct Built {
        /// Indexed by partition; empty for partitions not held.
        package var indexes: [CatalogIndex]
        /// Indexed by shopper partition.
        package var profiles: [[String: ShopperProfile]]
        package var products = 0
        package var shoppers = 0
        package var events = 0
    }

    /// A record of the seed before it is encoded (encoding waits until the node is ready).
    package struct Record: Sendable {
        package var partition: Int
        package var content: RecordContent
        /// The key of a contributions record (a chunk of shoppers); empty otherwise.
        package var key: String

        package var encoded: ReplicatedRecord {
            switch content {
            case .event(let event): .event(event)
            case .contributions(let contributions, _): .contributions(contributions, key: key, seed: true)
            case .product(let product): .product(product)
            case .deletion(let id, let version): .deletion(of: id, version: version)
            case .stock(let level): .stock(level)
            case .erasure(let shopper, let atMillis): .erasure(of: shopper, atMillis: atMillis)
            case .link(let shopper, let anonymous, let atMillis): .link(of: anonymous, into: shopper, atMillis: atMillis)
            }
        }
    }

    /// - Parameter keep: receives the records of the held partitions (products, stock,
    ///   events and their contributions), to store them.
    static func load(
        _ setup: NodeConfiguration.SeedSetup, shardMap: ShardMap, member: String, into table: PartitionTable,
        keep: ((Record) -> Void)? = nil
    ) throws -> Loaded {
        let shop = setup.source
        let heldPartitions = shardMap.partitions(heldBy: member)
        var held = [Bool](repeating: false, count: shardMap.partitionCount)
        for partition in heldPartitions { held[partition] = true }
        let built = build(
            shop, endingAtMillis: setup.endingAtMillis, shardMap: shardMap, held: held, vocabulary: table.vocabulary,
            keepProfile: { _, partition in held[partition] }, emit: keep
        )
        // Each partition's products join the node index (which builds the heads then).
        for partition in heldPartitions {
            table.install(
                shoppers: ShopperPartition(
                    partition: partition, profiles: built.profiles[partition], outcomes: OutcomeLedger(windows: table.attributionWindows)
                ),
                built: built.indexes[partition], partition: partition, complete: false
            ) { shardMap.partition(of: $0) == partition }
        }
        return Loaded(products: built.products, shoppers: built.shoppers, events: built.events)
    }

    /// Fills the `held` partitions (indexed by partition) with `shop`'s products,
    /// stock and events; keeps the profiles of the shoppers `keepProfile(shopper, partition)` selects.
    /// Every index codes its strings with `vocabulary` (the node's). `emit`, when given,
    /// receives the same data as records (what a node stores).
    package static func build(
        _ shop: some SeedSource, endingAtMillis: Int64, shardMap: ShardMap, held: [Bool], vocabulary: Vocabulary,
        keepProfile: (String, Int) -> Bool, emit: ((Record) -> Void)? = nil
    ) -> Built {
        // Arrays indexed by partition, mutated in place (a dictionary's optional
        // round trip copied the index's columns on every event).
        var built = Built(
            indexes: [CatalogIndex](
                repeating: CatalogIndex(vocabulary: vocabulary, landmark: DecayedCounter.alignedLandmark(endingAtMillis)),
                count: shardMap.partitionCount
            ),
            profiles: [[String: ShopperProfile]](repeating: [:], count: shardMap.partitionCount)
        )
        for product in shop.products {
            let partition = shardMap.partition(of: product.id)
            if held[partition], built.indexes[partition].upsert(product) {
                built.products += 1
                emit?(Record(partition: partition, content: .product(product), key: ""))
            }
        }
        for level in shop.stock {
            let partition = shardMap.partition(of: level.product)
            if held[partition], built.indexes[partition].setStock(level) { emit?(Record(partition: partition, content: .stock(level), key: "")) }
        }
        // Contributions are stored per chunk of shoppers and catalog partition (the same
        // chunks on every member: they generate the same shop in the same order).
        var chunk: [Int: [EventContributions]] = [:]
        var chunkIndex = 0
        func flushChunk() {
            for (partition, part) in chunk.sorted(by: { $0.key < $1.key }) {
                emit?(Record(partition: partition, content: .contributions(part, counted: true), key: "demo-\(chunkIndex)"))
            }
            chunk.removeAll(keepingCapacity: true)
        }
        shop.forEachShopper(endingAtMillis: endingAtMillis) { index, shopper, events in
            if index / Self.shoppersPerChunk != chunkIndex {
                flushChunk()
                chunkIndex = index / Self.shoppersPerChunk
            }
            let shopperPartition = shardMap.partition(of: shopper)
            let keep = keepProfile(shopper, shopperPartition)
            var profile = ShopperProfile()
            for event in events {
                guard let contributions = profile.record(event) else { continue }
                if keep { emit?(Record(partition: shopperPartition, content: .event(event), key: "")) }
                for partition in Set(contributions.catalogProducts.map(shardMap.partition(of:))) where held[partition] {
                    if built.indexes[partition].apply(contributions, ownsProduct: { shardMap.partition(of: $0) == partition }), emit != nil {
                        chunk[partition, default: []].append(contributions.restricted(to: partition, partitionOf: shardMap.partition(of:)))
                    }
                }
            }
            if keep {
                built.profiles[shopperPartition][shopper] = profile
                built.shoppers += 1
                built.events += profile.eventCount
            }
        }
        flushChunk()
        return built
    }

    static let shoppersPerChunk = 100
}
