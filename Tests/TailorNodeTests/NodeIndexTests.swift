import TailorDemo
import TailorMembership
import TailorModel
@testable import TailorNode
import TailorScoring
import TailorCommands
import TailorCRDT
import Testing

/// The node index: one ``CatalogIndex`` over every catalog partition a node holds,
/// queried over a set of partitions, must answer what scoring each partition apart
/// and merging answered; and partitions must come and go without leaving anything.
@Suite("The node index")
struct NodeIndexTests {
    static let endingAt: Int64 = 1_790_000_000_000
    static let partitionCount = 8

    /// The small demo shop built per partition, as a node loads it, and its queries.
    struct Shop {
        var indexes: [CatalogIndex]
        var vocabulary: Vocabulary
        var shardMap: ShardMap
        var queries: [ScoringQuery]
    }

    static let shop: Shop = {
        let shardMap = ShardMap(partitionCount: partitionCount, replicationFactor: 1, members: ["n1"])
        let vocabulary = Vocabulary()
        var built = SeedLoader.build(
            DemoSeed(shop: DemoShop(configuration: .small)), endingAtMillis: endingAt, shardMap: shardMap,
            held: [Bool](repeating: true, count: partitionCount), vocabulary: vocabulary
        ) { _, _ in true }
        for partition in built.indexes.indices { built.indexes[partition].refreshHeads(nowMillis: endingAt) }
        var queries: [ScoringQuery] = []
        let profiles = built.profiles.flatMap { $0.sorted { $0.key < $1.key } }.prefix(60)
        for (position, (_, profile)) in profiles.enumerated() {
            let placement: Placement = position % 2 == 0 ? .homeForYou : .cartAddons
            queries.append(ScoringQuery(
                situation: profile.situation(nowMillis: endingAt),
                weights: ScoringWeights.resolve(placement: placement, strategy: .conversion, overrides: nil), k: 20,
                filters: RecommendationFilters(), placement: placement, nowMillis: endingAt, mix: position % 3 == 0
            ))
        }
        return Shop(indexes: built.indexes, vocabulary: vocabulary, shardMap: shardMap, queries: queries)
    }()

    static func nodeIndex(_ shop: Shop) -> CatalogIndex {
        var index = CatalogIndex(vocabulary: shop.vocabulary, landmark: DecayedCounter.alignedLandmark(endingAt))
        for partition in shop.indexes.indices { index.absorb(shop.indexes[partition], as: partition) }
        index.refreshHeads(nowMillis: endingAt)
        return index
    }

    @Test("one index over every partition ranks what each partition scored apart and merged ranks, for any set of them")
    func sameAnswersAsPerPartition() {
        let shop = Self.shop
        let node = Self.nodeIndex(shop)
        #expect(node.count == shop.indexes.reduce(0) { $0 + $1.count })
        var nodeScratch = ScoringScratch()
        for set in [Array(0..<Self.partitionCount), [0, 2, 5], [7]] {
            var scratch = [ScoringScratch](repeating: ScoringScratch(), count: set.count)
            for query in shop.queries {
                let alone = PartitionGather.scoreAll(shop.vocabulary.prepare(query), set.map { shop.indexes[$0] }, &scratch)
                let together = node.score(shop.vocabulary.prepare(query), partitions: PartitionSet(set), scratch: &nodeScratch)
                #expect(together.ranked.map(\.product) == alone.ranked.map(\.product), "partitions \(set)")
                #expect(together.ranked.map(\.score) == alone.ranked.map(\.score), "partitions \(set)")
                // The mix's lists are the node's top k by their own key (trend, discovery
                // quality), drawn from what the partitions alone propose.
                var proposed = (trending: Set<String>(), discovery: Set<String>())
                for partition in set {
                    var own = ScoringScratch()
                    let result = shop.indexes[partition].score(shop.vocabulary.prepare(query), scratch: &own)
                    proposed.trending.formUnion(result.trending.map(\.product))
                    proposed.discovery.formUnion(result.discovery.map(\.product))
                }
                #expect(Set(together.trending.map(\.product)).isSubset(of: proposed.trending), "partitions \(set)")
                #expect(Set(together.discovery.map(\.product)).isSubset(of: proposed.discovery), "partitions \(set)")
                #expect(together.trending.count == min(query.k, proposed.trending.count))
                #expect(together.discovery.count == min(query.k, proposed.discovery.count))
                let held = Set(together.ranked.map { shop.shardMap.partition(of: $0.product) })
                #expect(held.isSubset(of: Set(set)), "a product of a partition not asked for")
            }
        }
    }

    @Test("a purged partition counts no more, the others answer as before, and it comes back empty")
    func purgeForgetsOnePartition() throws {
        let shop = Self.shop
        var node = Self.nodeIndex(shop)
        let gone = 3
        let others = PartitionSet((0..<Self.partitionCount).filter { $0 != gone })
        var scratch = ScoringScratch()
        let before = shop.queries.map { node.score(shop.vocabulary.prepare($0), partitions: others, scratch: &scratch) }
        let products = node.summaries(from: 0, partition: gone).summaries.map(\.id)
        #expect(!products.isEmpty)

        node.purge(partition: gone) { shop.shardMap.partition(of: $0) == gone }
        node.refreshHeads(nowMillis: Self.endingAt)
        #expect(node.count(partition: gone) == 0)
        #expect(products.allSatisfy { node.product($0) == nil })
        for (query, answer) in zip(shop.queries, before) {
            let now = node.score(shop.vocabulary.prepare(query), scratch: &scratch)
            #expect(now.ranked.map(\.product) == answer.ranked.map(\.product))
        }
        // Adopted again, it starts empty: an older version is welcome, no co-occurrence is left.
        let first = try #require(shop.indexes[gone].product(products[0]))
        var older = first.product
        older.version = 1
        let revived = node.upsert(older, partition: gone)
        #expect(revived)
        #expect(node.count(partition: gone) == 1)
        #expect(node.cooccurrenceEntries(partition: gone) == 0)
    }

    @Test("a release that arrives after the partition was adopted again leaves the new replica alone; late writes of the old one are ignored")
    func generationsOrderReleaseAndAdoption() async throws {
        let table = PartitionTable()
        let owns: @Sendable (String) -> Bool = { _ in true }
        let old = table.catalogHandle(partition: 3, ownsProduct: owns)
        func product(_ id: String) -> Product { Product(id: id, title: id, categoryPath: ["Toys"], price: 10, version: 1) }
        _ = await old.upsert([product("a")])
        #expect(await old.productCount == 1)
        let new = table.catalogHandle(partition: 3, ownsProduct: owns)
        _ = await new.upsert([product("b")])
        await old.release()
        _ = await old.upsert([product("c")])
        #expect(await new.product("b") != nil)
        #expect(await new.product("a") == nil, "the old replica's products outlived its generation")
        #expect(await new.product("c") == nil, "a late write of the released replica was applied")
        #expect(await new.productCount == 1)
        await new.release()
        let again = table.catalogHandle(partition: 3, ownsProduct: owns)
        #expect(await again.productCount == 0)
        _ = await new.upsert([product("d")])
        #expect(await again.product("d") == nil)
    }
}
