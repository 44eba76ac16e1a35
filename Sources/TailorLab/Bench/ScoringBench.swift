import Foundation
import TailorCommands
import TailorDemo
import TailorMembership
import TailorCRDT
import TailorModel
import TailorNode
import TailorScoring

/// The measurement behind `tailor-lab bench scoring` (see ``ScoringBenchCommand``).
struct ScoringBench {
    /// Hour-aligned, fixed, so that every run builds the same shop.
    static let endingAtMillis: Int64 = 1_767_225_600_000
    static let partitionCount = 64
    static let placements: Set<Placement> = [.homeForYou, .productSimilar, .cartAddons]

    struct Request {
        var request: RecommendationRequest
        var profile: ShopperProfile
        var query: ScoringQuery
    }

    let requestCount: Int
    let seed: UInt64
    let rounds: Int
    let mixShare: Double
    /// Scores with the node index only (for a profile of it): no references, no ratios.
    var nodeOnly = false

    func run() {
        let nowMillis = Self.endingAtMillis + 60_000
        let setupStarted = ContinuousClock.now
        let shop = DemoShop(configuration: .standard)
        var drawn = drawRequests()
        let shoppers = Set(drawn.map(\.shopper))
        let shardMap = ShardMap(partitionCount: Self.partitionCount, replicationFactor: 1, members: ["bench"])
        let held = [Bool](repeating: true, count: Self.partitionCount)
        let vocabulary = Vocabulary()
        var built = SeedLoader.build(
            DemoSeed(shop: shop), endingAtMillis: Self.endingAtMillis, shardMap: shardMap, held: held, vocabulary: vocabulary
        ) { shopper, _ in
            shoppers.contains(shopper)
        }
        for partition in built.indexes.indices { built.indexes[partition].refreshHeads(nowMillis: nowMillis) }
        let productsByID = Dictionary(shop.products.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var mixRandom = SplitMix64(seed: seed ^ 0x6d69_78)
        let requests = drawn.indices.map { position in
            if mixRandom.nextUnit() < mixShare { drawn[position].mix = true }
            let request = drawn[position]
            let profile = built.profiles[shardMap.partition(of: request.shopper)][request.shopper] ?? ShopperProfile()
            return Request(
                request: request, profile: profile,
                query: Self.query(for: request, profile: profile, products: productsByID, nowMillis: nowMillis)
            )
        }
        let indexes = built.indexes
        // The node index: every partition in one index, as a node holds them now.
        var nodeIndex = CatalogIndex(vocabulary: vocabulary, landmark: DecayedCounter.alignedLandmark(Self.endingAtMillis))
        for partition in indexes.indices { nodeIndex.absorb(indexes[partition], as: partition) }
        nodeIndex.refreshHeads(nowMillis: nowMillis)
        let everyPartition = PartitionSet(indexes.indices)
        print("""
            scoring bench: standard demo shop, \(built.products) products in \(Self.partitionCount) partitions, \
            \(requests.count) requests (seed \(seed), mix share \(mixShare)), \(rounds) rounds; \
            setup \(Self.format(ContinuousClock.now - setupStarted))
            """)

        var nodeScratch = ScoringScratch()
        var nodeTimes: [Double] = []
        var nodeDigest = Digest()
        var nodeAgreeing = 0
        var nodeAgreeingScan = 0
        var selectedScratch = [ScoringScratch](repeating: ScoringScratch(), count: indexes.count)
        var fullScratch = [ScoringScratch](repeating: ScoringScratch(), count: indexes.count)
        var selectedTimes: [Double] = []
        var fullTimes: [Double] = []
        var situationTimes: [Double] = []
        var selectedDigest = Digest()
        var fullDigest = Digest()
        var situationDigest = Digest()
        var agreeing = 0
        var agreeingScores = 0
        for round in 0...rounds {
            let measured = round > 0
            for entry in requests {
                let situationStarted = ContinuousClock.now
                let situation = entry.profile.situation(nowMillis: nowMillis)
                let situationTook = ContinuousClock.now - situationStarted
                var full = entry.query
                full.scanAll = true
                let (node, nodeTook) = Self.timed {
                    nodeIndex.score(vocabulary.prepare(entry.query), partitions: everyPartition, scratch: &nodeScratch)
                }
                if measured { nodeTimes.append(Self.micros(nodeTook)) }
                if nodeOnly { continue }
                let (selected, selectedTook) = Self.timed {
                    PartitionGather.scoreAll(vocabulary.prepare(entry.query), indexes, &selectedScratch)
                }
                let (scanned, fullTook) = Self.timed { PartitionGather.scoreAll(vocabulary.prepare(full), indexes, &fullScratch) }
                guard measured else { continue }
                situationTimes.append(Self.micros(situationTook))
                selectedTimes.append(Self.micros(selectedTook))
                fullTimes.append(Self.micros(fullTook))
                guard round == 1 else { continue }
                situationDigest.add(situation)
                selectedDigest.add(selected)
                fullDigest.add(scanned)
                nodeDigest.add(node)
                let top = selected.ranked.prefix(10)
                let reference = scanned.ranked.prefix(10)
                if node.ranked.prefix(10).map(\.product) == top.map(\.product) { nodeAgreeing += 1 }
                if node.ranked.prefix(10).map(\.product) == reference.map(\.product) { nodeAgreeingScan += 1 }
                if top.map(\.product) == reference.map(\.product) { agreeing += 1 }
                if top.map(\.score) == reference.map(\.score) { agreeingScores += 1 }
            }
        }
        if nodeOnly {
            let sorted = nodeTimes.sorted()
            print(String(format: "(n) node index, 64 parts in one: median %.1f µs  p99 %.1f µs", Self.percentile(sorted, 0.5), Self.percentile(sorted, 0.99)))
            return
        }
        Self.report(node: nodeTimes, selected: selectedTimes, full: fullTimes, situation: situationTimes)
        let share = Double(agreeing) / Double(requests.count)
        let scoreShare = Double(agreeingScores) / Double(requests.count)
        print(String(
            format: "top 10 agreement (a) vs (b): %d of %d requests (%.1f %%) same products in the same order; %.1f %% same scores",
            agreeing, requests.count, 100 * share, 100 * scoreShare
        ))
        print(String(
            format: "top 10 agreement (n) vs (a): %d of %d requests (%.1f %%); (n) vs (b): %d (%.1f %%)",
            nodeAgreeing, requests.count, 100 * Double(nodeAgreeing) / Double(requests.count), nodeAgreeingScan,
            100 * Double(nodeAgreeingScan) / Double(requests.count)
        ))
        print("digests: (n) \(nodeDigest.hex)  (a) \(selectedDigest.hex)  (b) \(fullDigest.hex)  situations \(situationDigest.hex)")
    }

    /// The query a gateway sends for `request` (see `Recommender`).
    static func query(
        for request: RecommendationRequest, profile: ShopperProfile, products: [String: Product], nowMillis: Int64
    ) -> ScoringQuery {
        func ref(_ id: String) -> ProductRef {
            guard let product = products[id] else { return ProductRef(id: id) }
            return ProductRef(id: id, category: product.category, brand: product.brand ?? "", price: product.price)
        }
        let context = request.context ?? RecommendationContext()
        let situation = SituationBuilder.merge(
            profile: profile.situation(nowMillis: nowMillis), request: request,
            anchor: context.product.map(ref), cart: (context.cart ?? []).map(ref)
        )
        let weights = ScoringWeights.resolve(placement: request.placement, strategy: request.resolvedStrategy, overrides: request.weights)
        return ScoringQuery(
            situation: situation, weights: weights, k: min(max(3 * request.resolvedK, 20), 150),
            filters: request.resolvedFilters, placement: request.placement, nowMillis: nowMillis, mix: request.mix ?? false
        )
    }

    /// The load mix's recommendations for the bench's placements, in order.
    func drawRequests() -> [RecommendationRequest] {
        var configuration = LoadMix.Configuration.defaults
        configuration.seed = seed
        var mix = LoadMix(configuration: configuration)
        var drawn: [RecommendationRequest] = []
        while drawn.count < requestCount {
            let request = mix.nextRecommendation()
            if Self.placements.contains(request.placement) { drawn.append(request) }
        }
        return drawn
    }

    static func report(node: [Double], selected: [Double], full: [Double], situation: [Double]) {
        let nodeSorted = node.sorted()
        let nodeRate = Double(node.count) / (node.reduce(0, +) / 1e6)
        let selectedSorted = selected.sorted()
        let fullSorted = full.sorted()
        let situationSorted = situation.sorted()
        let selectedRate = Double(selected.count) / (selected.reduce(0, +) / 1e6)
        let fullRate = Double(full.count) / (full.reduce(0, +) / 1e6)
        func row(_ name: String, _ sorted: [Double], _ rate: Double) -> String {
            String(
                format: "%-34@ median %9.1f µs   p99 %9.1f µs   %8.1f requests/s", name as NSString,
                percentile(sorted, 0.5), percentile(sorted, 0.99), rate
            )
        }
        print(row("(n) node index, 64 parts in one", nodeSorted, nodeRate))
        print(row("(a) REFERENCE per partition, 64", selectedSorted, selectedRate))
        print(row("(b) full scan, per partition, 64", fullSorted, fullRate))
        print(String(
            format: "ratio (a)/(n): median %.2fx  p99 %.2fx  requests/s %.2fx",
            percentile(selectedSorted, 0.5) / percentile(nodeSorted, 0.5),
            percentile(selectedSorted, 0.99) / percentile(nodeSorted, 0.99), nodeRate / selectedRate
        ))
        print(String(
            format: "ratio (b)/(a): median %.2fx  p99 %.2fx  requests/s %.2fx",
            percentile(fullSorted, 0.5) / percentile(selectedSorted, 0.5),
            percentile(fullSorted, 0.99) / percentile(selectedSorted, 0.99), selectedRate / fullRate
        ))
        print(String(
            format: "ShopperProfile.situation: median %.1f µs  p99 %.1f µs", percentile(situationSorted, 0.5),
            percentile(situationSorted, 0.99)
        ))
    }

    static func percentile(_ sorted: [Double], _ share: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * share).rounded(.down)))]
    }

    static func timed<T>(_ body: () -> T) -> (T, Duration) {
        let started = ContinuousClock.now
        let value = body()
        return (value, ContinuousClock.now - started)
    }

    static func micros(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }

    static func format(_ duration: Duration) -> String {
        String(format: "%.1f s", micros(duration) / 1e6)
    }
}

/// FNV-1a over everything a result says (products, score bits, signals, reasons),
/// so two builds can be compared for identical output.
struct Digest {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    var hex: String { String(value, radix: 16) }

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    mutating func add(_ text: String) {
        add(text.utf8)
        add(CollectionOfOne(0))
    }

    mutating func add(_ number: UInt64) {
        add((0..<8).map { UInt8(truncatingIfNeeded: number >> ($0 * 8)) })
    }

    mutating func add(_ result: ScoringResult) {
        for list in [result.ranked, result.trending, result.discovery] {
            add(UInt64(list.count))
            for candidate in list {
                add(candidate.product)
                add(UInt64(candidate.score.bitPattern))
                let signals = candidate.signals
                for value in [
                    signals.collaborative, signals.content, signals.popularity, signals.trending, signals.inventory,
                    signals.margin, signals.stockPressure,
                ] { add(UInt64(value.bitPattern)) }
                add(candidate.becauseOf ?? "-")
                add(candidate.title)
                add(UInt64(candidate.price.bitPattern))
            }
        }
    }

    mutating func add(_ situation: Situation) {
        for item in situation.items {
            add(item.product)
            add(UInt64(item.weight.bitPattern))
        }
        for (name, value) in situation.categoryAffinity.sorted(by: { $0.key < $1.key }) {
            add(name)
            add(UInt64(value.bitPattern))
        }
        for (name, value) in situation.brandAffinity.sorted(by: { $0.key < $1.key }) {
            add(name)
            add(UInt64(value.bitPattern))
        }
        add(UInt64(situation.typicalPrice.bitPattern))
        for id in situation.purchased { add(id) }
        for term in situation.queryTerms { add(term) }
    }
}
