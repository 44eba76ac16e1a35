public import TailorModel
import Foundation

extension ShopperProfile {
    /// Half-life of an event's weight among the seed items: a day.
    static let itemHalfLifeMillis: Double = 24 * 3_600_000
    /// Half-life of an event's weight in the category and brand affinities: two weeks.
    static let affinityHalfLifeMillis: Double = 14 * 24 * 3_600_000
    /// Each step further back in the history weighs this much less, so that among
    /// events of the same hour the latest still leads.
    static let orderDecay: Float = 0.97
    /// Seed items the situation carries.
    static let maximumSituationItems = 20
    /// A search query older than this no longer describes what the shopper looks for.
    static let queryFreshnessMillis: Int64 = 3_600_000

    /// What the catalog partitions score against for this shopper at `nowMillis`.
    ///
    /// Seed items are the recent distinct products weighted by interest × a one-day
    /// half-life × an order decay, heaviest first, negative totals dropped. Category
    /// (per full path and each ancestor) and brand affinities are the two-week
    /// decayed sums of interest, normalised so the largest is 1.
    public func situation(nowMillis: Int64) -> Situation {
        var itemWeight: [String: Float] = [:]
        var categories: [String: Float] = [:]
        var brands: [String: Float] = [:]
        var priceSum = 0.0
        var priceWeight = 0.0
        var query: [String] = []
        var queryFound = false
        var prefixesByCategory: [String: [String]] = [:]

        for (rank, event) in events.reversed().enumerated() {
            let age = Double(max(0, nowMillis - event.atMillis))
            if event.type == .search, !queryFound, !event.query.isEmpty {
                queryFound = true
                if nowMillis - event.atMillis <= Self.queryFreshnessMillis { query = Words.of(event.query) }
            }
            guard !event.products.isEmpty else { continue }
            let interest = event.type.interest * Self.quantityFactor(event.quantity)
            let recent = interest * Float(exp2(-age / Self.itemHalfLifeMillis)) * pow(Self.orderDecay, Float(rank))
            let lasting = interest * Float(exp2(-age / Self.affinityHalfLifeMillis))
            for product in event.products {
                itemWeight[product.id, default: 0] += recent
                // Events repeat categories: split each distinct path once per call.
                let prefixes: [String]
                if let known = prefixesByCategory[product.category] {
                    prefixes = known
                } else {
                    prefixes = Words.categoryPrefixes(product.category)
                    prefixesByCategory[product.category] = prefixes
                }
                for prefix in prefixes { categories[prefix, default: 0] += lasting }
                if !product.brand.isEmpty { brands[product.brand, default: 0] += lasting }
                if product.price > 0, lasting > 0 {
                    priceSum += product.price * Double(lasting)
                    priceWeight += Double(lasting)
                }
            }
        }

        let items = itemWeight.filter { $0.value > 0 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(Self.maximumSituationItems)
            .map { Situation.Item(product: $0.key, weight: $0.value) }
        return Situation(
            items: items,
            categoryAffinity: Self.normalised(categories),
            brandAffinity: Self.normalised(brands),
            typicalPrice: priceWeight > 0 ? priceSum / priceWeight : 0,
            purchased: purchased,
            queryTerms: query
        )
    }

    /// Positive values scaled so the largest is 1; the rest dropped.
    static func normalised(_ values: [String: Float]) -> [String: Float] {
        let top = values.values.max() ?? 0
        guard top > 0 else { return [:] }
        return values.compactMapValues { $0 > 0 ? $0 / top : nil }
    }
}
