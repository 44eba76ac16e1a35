import TailorModel

/// Merges a request's context into the shopper's situation, on the member that
/// holds the shopper's profile or, when no such member scores, at the gateway.
///
/// The request's own context (the product on screen, the cart, the query) weighs
/// more than the long-term profile (DESIGN.md §4), so a shopper buying a gift is
/// not stuck in yesterday's label: context items go first with weights above any
/// history item, and their categories and brands get high affinity.
package enum SituationBuilder {
    /// How much heavier than the heaviest history item a context item is.
    static let contextBoost: Float = 2
    /// Seed items after the merge.
    static let maximumItems = 30
    /// Recent purchases that seed a post-order email.
    static let purchaseSeeds = 5

    /// The situation the catalog partitions score for `request`.
    ///
    /// - `anchor`: the context product (enriched by the gateway), if any.
    /// - `cart`: the cart's products (enriched), in the cart's order.
    package static func merge(profile: Situation, request: RecommendationRequest, anchor: ProductRef?, cart: [ProductRef]) -> Situation {
        merge(profile: profile, context: SituationContext(request: request, anchor: anchor, cart: cart))
    }

    /// The situation for a request's `context` on top of the shopper's `profile`.
    ///
    /// Placement decides the seeds: `post_order_email` seeds with the most recent
    /// purchases, `cart_addons` and `checkout_offer` with the cart, `product_similar`
    /// with the anchor (whose category and brand then dominate the affinities).
    /// `exclude` is the anchor and the cart; `queryTerms` come from `context.query`
    /// (the profile's recent search otherwise); `candidates` from `context.candidates`.
    package static func merge(profile: Situation, context: SituationContext) -> Situation {
        var situation = profile
        let anchor = context.anchor
        let cart = context.cart
        let heaviest = max(1, profile.items.first?.weight ?? 1)
        let contextWeight = heaviest * contextBoost

        var seeds: [(ref: ProductRef?, id: String, weight: Float)] = []
        if let anchor { seeds.append((anchor, anchor.id, contextWeight * 1.5)) }
        switch context.placement {
        case .cartAddons, .checkoutOffer:
            for item in cart { seeds.append((item, item.id, contextWeight)) }
        case .postOrderEmail:
            for id in profile.purchased.suffix(purchaseSeeds).reversed() { seeds.append((nil, id, contextWeight)) }
            for item in cart { seeds.append((item, item.id, contextWeight * 0.75)) }
        case .homeForYou, .productSimilar, .searchRerank:
            // The cart still says what the shopper wants now, a bit less than the page.
            for item in cart { seeds.append((item, item.id, contextWeight * 0.75)) }
        }

        var seen = Set<String>()
        var items: [Situation.Item] = []
        for seed in seeds where seen.insert(seed.id).inserted {
            items.append(Situation.Item(product: seed.id, weight: seed.weight))
        }
        for item in profile.items where seen.insert(item.product).inserted { items.append(item) }
        situation.items = Array(items.prefix(maximumItems))

        // History affinities step back when the moment names its own; for
        // product_similar the page's product dominates them outright.
        let contextRefs = seeds.compactMap(\.ref)
        if !contextRefs.isEmpty {
            let historyScale: Float = context.placement == .productSimilar ? 0.3 : 0.6
            situation.categoryAffinity = situation.categoryAffinity.mapValues { $0 * historyScale }
            situation.brandAffinity = situation.brandAffinity.mapValues { $0 * historyScale }
            situation.featureAffinity = situation.featureAffinity.mapValues { $0 * historyScale }
            for ref in contextRefs {
                let prefixes = Words.categoryPrefixes(ref.category)
                for (depth, prefix) in prefixes.enumerated() {
                    // The leaf says most; ancestors a little less, so siblings of the
                    // anchor's category still rank above unrelated departments.
                    let value: Float = depth == prefixes.count - 1 ? 1 : 0.8
                    situation.categoryAffinity[prefix] = max(situation.categoryAffinity[prefix] ?? 0, value)
                }
                if !ref.brand.isEmpty { situation.brandAffinity[ref.brand] = 1 }
                // The moment's products weigh like the newest step of the history.
                for (name, weight) in ref.features { situation.featureAffinity[name, default: 0] += weight }
            }
            if let anchor, anchor.price > 0, context.placement == .productSimilar {
                situation.typicalPrice = anchor.price
            }
        }

        var exclude = profile.exclude
        if let anchor { exclude.append(anchor.id) }
        exclude.append(contentsOf: cart.map(\.id))
        exclude.append(contentsOf: context.exclude)
        var excluded = Set<String>()
        situation.exclude = exclude.filter { excluded.insert($0).inserted }

        if let query = context.query, !query.isEmpty { situation.queryTerms = Words.of(query) }
        if !context.candidates.isEmpty { situation.candidates = context.candidates }
        return situation
    }
}
