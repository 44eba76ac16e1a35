import Foundation
import TailorMembership
import TailorModel
import TailorScoring

/// The full-ranking leave-one-out protocol (`../shared/datasets/README.md`) run through
/// Tailor's own scoring path, in-process: the catalog partitions a node holds
/// (`CatalogIndex`, fed with the contributions `ShopperProfile` makes of each event,
/// as a node's partitions are), the situation a shopper's partition builds, and the
/// gateway's query, merge and diversity step.
///
/// Every shopper's interactions become view events one minute apart in one session,
/// ending a minute before the evaluation's clock (the files carry order, not time).
/// For the test target each shopper's last item is held out; for the validation
/// target the last two are (and the second-last is the one looked for), so tuning
/// never sees a test item.
package struct Evaluation {
    package enum Target: String, CaseIterable, Sendable {
        case test
        case validation

        /// Shoppers with fewer interactions are not evaluated (all but their last item still trains).
        package static let minimumEvaluatedLength = 3

        /// One shopper's items split by the protocol: what trains, and the item looked
        /// for (nil for a shopper too short to evaluate). The test target holds out the
        /// last item; the validation target the last two and looks for the second-last.
        package func split(_ items: [String]) -> (training: ArraySlice<String>, heldOut: String?) {
            guard items.count >= Self.minimumEvaluatedLength else { return (items.dropLast(), nil) }
            let held = self == .test ? 1 : 2
            return (items.dropLast(held), items[items.count - held])
        }
    }

    /// A signal an ablation run leaves out.
    package enum Signal: String, CaseIterable, Sendable {
        /// Co-occurrence with the recent items (the collaborative signal).
        case cooccurrence
        /// The content signal's attribute similarity (the products' features).
        case features
        /// The whole content signal (categories, brands, price band, features).
        case content
        case popularity
        case trending
        /// The seed items' order decay (every recent item weighs the same).
        case order
    }

    package let dataset: EvalDataset
    package let ks: [Int]
    package let partitionCount: Int
    package let target: Target
    package var strategy: Strategy = .conversion
    package var without: Set<Signal> = []
    /// Weights replacing the placement's defaults, as a request's `weights` do.
    package var overrides: SignalWeightOverrides?
    /// When set, only these shoppers are scored (all still train): the sample a
    /// cluster run asks, to compare like with like.
    package var onlyShoppers: Set<String>?

    package init(dataset: EvalDataset, ks: [Int], partitionCount: Int, target: Target) {
        self.dataset = dataset
        self.ks = ks
        self.partitionCount = partitionCount
        self.target = target
    }

    /// Fixed, hour-aligned: every run builds the same indexes.
    package static let nowMillis: Int64 = 1_767_225_600_000

    package struct Result: Codable, Sendable {
        package var target: String
        package var shoppers: Int
        package var skipped: Int
        package var items: Int
        package var trainingEvents: Int
        package var hitRate: [Int: Double]
        package var ndcg: [Int: Double]
        /// Share of items that are in at least one shopper's top max(k).
        package var coverage: Double
        package var strategy: String
        package var without: [String]
        /// Mean margin share ((price - cost) / price) of the top 5, over shoppers whose
        /// top 5 has products with a cost; nil when no product has one.
        package var marginTop5: Double?
        /// Share of the top 5 that is overstocked (among the fifth of the products
        /// with the most units in stock); nil without stock levels.
        package var overstockedTop5: Double?
        package var buildSeconds: Double
        package var scoreSeconds: Double
        /// Each evaluated shopper's rank of the held-out item in the answer (-1: not in it).
        package var ranks: [String: Int] = [:]

        package enum CodingKeys: String, CodingKey {
            case target, shoppers = "users", skipped, items, trainingEvents, hitRate, ndcg, coverage, strategy, without, marginTop5, overstockedTop5
            case buildSeconds, scoreSeconds
        }
    }

    /// HR@k and NDCG@k of ranks (-1: not found).
    package static func metrics(_ ranks: some Collection<Int>, ks: [Int]) -> (hitRate: [Int: Double], ndcg: [Int: Double]) {
        let count = Double(max(1, ranks.count))
        var hitRate: [Int: Double] = [:]
        var ndcg: [Int: Double] = [:]
        for cut in ks {
            let found = ranks.filter { $0 >= 0 && $0 < cut }
            hitRate[cut] = Double(found.count) / count
            ndcg[cut] = found.reduce(0) { $0 + 1 / log2(Double($1) + 2) } / count
        }
        return (hitRate, ndcg)
    }

    package func run() -> Result {
        let started = ContinuousClock.now
        let items = dataset.items
        let shardMap = ShardMap(partitionCount: partitionCount, replicationFactor: 1, members: ["eval"])
        let vocabulary = Vocabulary()
        var indexes = (0..<partitionCount).map { _ in CatalogIndex(vocabulary: vocabulary) }
        // The attributes file's values become the products' tags (their features), and
        // events carry each product's feature weights as the gateway's enrichment gives them.
        // A shop's own records (the demo shop) are used as they are.
        var frequencies = FeatureFrequencies()
        var refs: [String: ProductRef] = [:]
        let catalog = dataset.catalog
        let featureNames = catalog.map(ProductFeatures.names(of:))
        for names in featureNames { frequencies.add(names) }
        for (product, names) in zip(catalog, featureNames) {
            let partition = shardMap.partition(of: product.id)
            _ = indexes[partition].upsert(product)
            if let units = dataset.stock[product.id] {
                _ = indexes[partition].setStock(StockLevel(product: product.id, quantity: units, version: 1))
            }
            refs[product.id] = ProductRef(
                id: product.id, category: product.category, brand: product.brand ?? "", price: product.price,
                features: without.contains(.features) ? [:] : frequencies.weights(of: names)
            )
        }
        let margins = Dictionary(uniqueKeysWithValues: catalog.compactMap { product in
            product.cost.flatMap { cost in product.price > 0 ? (product.id, (product.price - cost) / product.price) : nil }
        })
        let overstocked = Self.overstocked(dataset.stock)

        // Training: everything but the held-out items (shoppers with fewer than 3
        // interactions are not evaluated; all but their last item still trains).
        var profiles: [String: ShopperProfile] = [:]
        var trainingEvents = 0
        var evaluated: [(shopper: String, heldOut: String)] = []
        for (shopper, sequence) in dataset.sequences {
            let (training, heldOut) = target.split(sequence)
            if let heldOut, onlyShoppers?.contains(shopper) ?? true { evaluated.append((shopper, heldOut)) }
            var profile = ShopperProfile()
            for (step, item) in training.enumerated() {
                let event = StoredEvent(
                    id: "\(shopper)-\(step)", type: .view, shopper: shopper, session: "s", products: [refs[item] ?? ProductRef(id: item)],
                    atMillis: Self.nowMillis - Int64(training.count - step) * 60_000
                )
                guard let contributions = profile.record(event) else { continue }
                trainingEvents += 1
                for partition in indexes.indices {
                    _ = indexes[partition].apply(contributions) { shardMap.partition(of: $0) == partition }
                }
            }
            profiles[shopper] = profile
        }
        for partition in indexes.indices { indexes[partition].refreshHeads(nowMillis: Self.nowMillis) }
        let built = ContinuousClock.now

        let k = ks.max() ?? 10
        var recommended = Set<String>()
        var scratch = [ScoringScratch](repeating: ScoringScratch(), count: indexes.count)
        let request = RecommendationRequest(
            shopper: "", placement: .homeForYou, k: k, strategy: strategy, filters: RecommendationFilters(inStockOnly: false)
        )
        var weights = ScoringWeights.resolve(placement: request.placement, strategy: request.resolvedStrategy, overrides: overrides)
        if without.contains(.cooccurrence) { weights.collaborative = 0 }
        if without.contains(.content) { weights.content = 0 }
        if without.contains(.popularity) { weights.popularity = 0 }
        if without.contains(.trending) { weights.trending = 0 }
        var ranks: [String: Int] = [:]
        var marginSum = 0.0
        var marginShoppers = 0
        var overstockedCount = 0
        var topCount = 0
        for (shopper, heldOut) in evaluated {
            let profile = profiles[shopper] ?? ShopperProfile()
            var situation = SituationBuilder.merge(profile: profile.situation(nowMillis: Self.nowMillis), request: request, anchor: nil, cart: [])
            if without.contains(.order) {
                // Every recent item at the newest one's weight.
                let top = situation.items.first?.weight ?? 1
                situation.items = situation.items.map { Situation.Item(product: $0.product, weight: top) }
            }
            // Items the shopper already interacted with are not ranked (the protocol).
            situation.exclude += profile.events.flatMap { $0.products.map(\.id) }
            let query = ScoringQuery(
                situation: situation, weights: weights, k: min(max(3 * k, 20), 150), filters: request.resolvedFilters,
                placement: request.placement, nowMillis: Self.nowMillis, mix: false
            )
            let answer = Self.answer(vocabulary.prepare(query), indexes, k: k, scratch: &scratch)
            recommended.formUnion(answer)
            ranks[shopper] = answer.firstIndex(of: heldOut) ?? -1
            let top5 = answer.prefix(5)
            let costed = top5.compactMap { margins[$0] }
            if !costed.isEmpty {
                marginSum += costed.reduce(0, +) / Double(costed.count)
                marginShoppers += 1
            }
            overstockedCount += top5.count { overstocked.contains($0) }
            topCount += top5.count
        }
        let (hitRate, ndcg) = Self.metrics(evaluated.map { ranks[$0.shopper] ?? -1 }, ks: ks)
        return Result(
            target: target.rawValue, shoppers: evaluated.count, skipped: dataset.sequences.count - evaluated.count, items: items.count,
            trainingEvents: trainingEvents,
            hitRate: hitRate, ndcg: ndcg,
            coverage: Double(recommended.count) / Double(max(1, items.count)),
            strategy: strategy.rawValue, without: without.map(\.rawValue).sorted(),
            marginTop5: marginShoppers > 0 ? marginSum / Double(marginShoppers) : nil,
            overstockedTop5: dataset.stock.isEmpty ? nil : Double(overstockedCount) / Double(max(1, topCount)),
            buildSeconds: Self.seconds(built - started), scoreSeconds: Self.seconds(.now - built), ranks: ranks
        )
    }

    /// What the cluster answers: each partition scored as a node scores it (asked only
    /// for what beats the k-th best so far), merged, then the gateway's diversity step.
    package static func answer(_ query: PreparedQuery, _ indexes: [CatalogIndex], k: Int, scratch: inout [ScoringScratch]) -> [String] {
        let scored = PartitionGather.scoreAll(query, indexes, &scratch)
        let ranked = CandidateMerge.merge([scored.ranked], k: query.query.k).filter { $0.score.isFinite }
        return Diversity.select(ranked: ranked, trending: [], discovery: [], k: k, policy: .defaults).map(\.product)
    }

    /// The fifth of the products with the most units in stock (ties by id).
    package static func overstocked(_ stock: [String: Int64]) -> Set<String> {
        let sorted = stock.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return Set(sorted.prefix(sorted.count / 5).map(\.key))
    }

    package static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
