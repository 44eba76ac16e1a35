import TailorModel
import Foundation

extension ShopperProfile {
    /// Half-life of an event's weight among the seed items: a day, counted back from
    /// the shopper's newest event (see ``situation(nowMillis:)``).
    static let itemHalfLifeMillis: Double = 24 * 3_600_000
    /// Half-life of an event's weight in the category and brand affinities: two weeks,
    /// counted back from the shopper's newest event.
    static let affinityHalfLifeMillis: Double = 14 * 24 * 3_600_000
    /// The least an item's recency factor falls to, however long before the newest
    /// event it was: the long-term history keeps this share of a step of the live
    /// session (before the order decay), so it orders and weighs but never vanishes.
    static let itemRecencyFloor: Double = 1.0 / 16
    /// The least an affinity's recency factor falls to: taste in kinds of product and
    /// brands outlasts interest in one product, so old history keeps a quarter.
    static let affinityRecencyFloor: Double = 1.0 / 4
    /// Each step further back in the history weighs this much as the one after it:
    /// what the shopper looked at last says most about what they want next. Chosen on
    /// the validation items of Amazon Beauty (`tailor eval --target validation`):
    /// 0.97 gave NDCG@10 0.048, 0.7 0.063, 0.6 0.064, 0.5 0.064 (with backward pairs
    /// at half weight; see README, Recommendation quality).
    static let orderDecay: Float = 0.6
    /// Seed items the situation carries.
    static let maximumSituationItems = 20
    /// Each step further back weighs this much as the one after it in the feature
    /// affinity: a shopper's taste in brands and kinds of product changes more slowly
    /// than the next product they look at. Chosen on validation items (README).
    static let featureOrderDecay: Float = 0.75
    /// Features the situation carries, the heaviest.
    package static let maximumSituationFeatures = 64
    /// A search query older than this no longer describes what the shopper looks for.
    static let queryFreshnessMillis: Int64 = 3_600_000

    /// What the catalog partitions score against for this shopper at `nowMillis`.
    ///
    /// Seed items are the recent distinct products weighted by interest × a one-day
    /// half-life × an order decay, heaviest first, negative totals dropped. Category
    /// (per full path and each ancestor) and brand affinities are the two-week
    /// decayed sums of interest, normalised so the largest is 1.
    ///
    /// Time never erases (DESIGN.md §2): ages count back from the shopper's newest
    /// event, not from `nowMillis`, and each recency factor has a floor
    /// (``itemRecencyFloor``, ``affinityRecencyFloor``). A shopper who comes back after
    /// a year finds the situation they left; once they act again, the new session
    /// outweighs the old history, which still counts. Only the search query is read
    /// against `nowMillis` (``queryFreshnessMillis``): it describes the moment.
    package func situation(nowMillis: Int64) -> Situation {
        // Sums go into arrays indexed like `symbols.indexByName`, one per role (item,
        // category prefix, brand), so no string is split or hashed per event.
        let keys = symbols.keys
        let categoryTable = symbols.categories
        let orderWeights = Self.orderWeights
        var itemWeight = [Float](repeating: 0, count: symbols.nameCount)
        var categories = [Float](repeating: 0, count: symbols.nameCount)
        var brands = [Float](repeating: 0, count: symbols.nameCount)
        var priceSum = 0.0
        var priceWeight = 0.0
        var query: [String] = []
        var queryFound = false
        var end = keys.count
        var features: [String: Float] = [:]
        var heaviestFeatureStep: Float = 0
        var featureStep: Float = 1
        var featureSteps = 0
        let newestMillis = events.last?.atMillis ?? nowMillis

        for (rank, event) in events.reversed().enumerated() {
            let start = end - event.products.count
            end = start
            let age = Double(max(0, newestMillis - event.atMillis))
            if event.type == .search, !queryFound, !event.query.isEmpty {
                queryFound = true
                if nowMillis - event.atMillis <= Self.queryFreshnessMillis { query = Words.of(event.query) }
            }
            guard !event.products.isEmpty else { continue }
            let interest = event.type.interest * Self.quantityFactor(event.quantity)
            let order = rank < orderWeights.count ? orderWeights[rank] : pow(Self.orderDecay, Float(rank))
            let fresh = interest * Float(max(Self.itemRecencyFloor, exp2(-age / Self.itemHalfLifeMillis)))
            let recent = fresh * order
            let lasting = interest * Float(max(Self.affinityRecencyFloor, exp2(-age / Self.affinityHalfLifeMillis)))
            if featureSteps < Self.maximumSituationItems {
                // The last steps' features, each product's vector weighted like its step.
                let step = fresh * featureStep
                featureSteps += 1
                featureStep *= Self.featureOrderDecay
                if step > 0 {
                    heaviestFeatureStep = max(heaviestFeatureStep, step)
                    for product in event.products {
                        for (name, weight) in product.features { features[name, default: 0] += step * weight }
                    }
                }
            }
            for (offset, product) in event.products.enumerated() {
                let key = keys[start + offset]
                itemWeight[Int(key.product)] += recent
                if key.category >= 0 {
                    for prefix in categoryTable[Int(key.category)].prefixes { categories[Int(prefix)] += lasting }
                }
                if key.brand >= 0 { brands[Int(key.brand)] += lasting }
                if product.price > 0, lasting > 0 {
                    priceSum += product.price * Double(lasting)
                    priceWeight += Double(lasting)
                }
            }
        }

        // Names no kept event uses any more sum to 0 and are dropped with the rest.
        var items = TopItems()
        var categoryAffinity = Normalising(categories)
        var brandAffinity = Normalising(brands)
        for (name, index) in symbols.indexByName {
            let slot = Int(index)
            if itemWeight[slot] > 0 { items.add(name, itemWeight[slot]) }
            categoryAffinity.add(name, categories[slot])
            brandAffinity.add(name, brands[slot])
        }
        return Situation(
            items: items.best.map { Situation.Item(product: $0.name, weight: $0.weight) },
            categoryAffinity: categoryAffinity.result,
            brandAffinity: brandAffinity.result,
            featureAffinity: Self.heaviest(features, scale: heaviestFeatureStep),
            typicalPrice: priceWeight > 0 ? priceSum / priceWeight : 0,
            purchased: purchased,
            queryTerms: query
        )
    }

    /// The ``maximumSituationFeatures`` heaviest features (ties by name), divided by
    /// `scale` (the heaviest step's weight, so a step's own vector keeps its size).
    static func heaviest(_ features: [String: Float], scale: Float) -> [String: Float] {
        guard scale > 0 else { return [:] }
        let kept = features.filter { $0.value > 0 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(maximumSituationFeatures)
        return Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value / scale) })
    }

    /// `pow(orderDecay, rank)` for every rank a kept event can have.
    static let orderWeights: [Float] = (0..<maximumRecentEvents).map { pow(orderDecay, Float($0)) }

    /// The ``maximumSituationItems`` heaviest items, ties by name. Names are
    /// distinct, so this total order gives the same list as sorting them all.
    private struct TopItems {
        private(set) var best: [(name: String, weight: Float)] = []

        private static func precedes(_ first: (name: String, weight: Float), _ second: (name: String, weight: Float)) -> Bool {
            first.weight != second.weight ? first.weight > second.weight : first.name < second.name
        }

        mutating func add(_ name: String, _ weight: Float) {
            let item = (name: name, weight: weight)
            if best.count == maximumSituationItems, let last = best.last, !Self.precedes(item, last) { return }
            var at = best.count
            while at > 0, Self.precedes(item, best[at - 1]) { at -= 1 }
            best.insert(item, at: at)
            if best.count > maximumSituationItems { best.removeLast() }
        }
    }

    /// Positive values by name, scaled so the largest is 1; the rest dropped.
    private struct Normalising {
        let top: Float
        private(set) var result: [String: Float] = [:]

        init(_ values: [Float]) {
            top = values.max() ?? 0
            if top > 0 { result.reserveCapacity(values.count { $0 > 0 }) }
        }

        mutating func add(_ name: String, _ value: Float) {
            if top > 0, value > 0 { result[name] = value / top }
        }
    }
}
