import TailorModel

/// The weight of each signal per placement and strategy (DESIGN.md §4).
///
/// | placement          | collaborative | content | popularity | trending | inventory |
/// | ------------------ | ------------- | ------- | ---------- | -------- | --------- |
/// | `home_for_you`     | 0.50          | 0.20    | 0.10       | 0.10     | 0.10      |
/// | `product_similar`  | 0.45          | 0.40    | 0.05       | 0.05     | 0.05      |
/// | `cart_addons`      | 0.55          | 0.15    | 0.10       | 0.10     | 0.10      |
/// | `checkout_offer`   | 0.50          | 0.15    | 0.15       | 0.10     | 0.10      |
/// | `post_order_email` | 0.50          | 0.20    | 0.10       | 0.10     | 0.10      |
/// | `search_rerank`    | 0.15          | 0.55    | 0.15       | 0.05     | 0.10      |
///
/// `margin` and `stockPressure` are 0 under the `conversion` strategy. The `margin`
/// strategy adds `margin` 0.30 and the `stock` strategy adds `stockPressure` 0.30,
/// keeping every other weight, so the shop's goal shifts the ranking without
/// drowning what the shopper wants. A request's `weights` then replace only the
/// signals they name.
package enum ScoringWeights {
    /// Weight the `margin` strategy gives to margin (and `stock` to stock pressure).
    package static let strategyWeight: Float = 0.3

    /// The placement's and strategy's weights before any request override.
    package static func defaults(for placement: Placement, strategy: Strategy) -> Signals {
        var weights: Signals
        switch placement {
        case .homeForYou:
            // Collaborative 0.5 and content 0.2, not DESIGN.md's 0.4 and 0.3: on the demo
            // shop's validation items NDCG@10 went from 0.143 to 0.147 (Amazon Beauty's
            // 0.0686 to 0.0689; README, Recommendation quality): what the shopper looked
            // at last says more about the next product than their lasting categories.
            weights = Signals(collaborative: 0.5, content: 0.2, popularity: 0.1, trending: 0.1, inventory: 0.1)
        case .productSimilar:
            // The page's product is the whole situation: what resembles it and what
            // others looked at next matter most; general popularity barely.
            weights = Signals(collaborative: 0.45, content: 0.4, popularity: 0.05, trending: 0.05, inventory: 0.05)
        case .cartAddons:
            // Complements, not substitutes: a second pair of the same shoes is a bad add-on.
            weights = Signals(collaborative: 0.55, content: 0.15, popularity: 0.1, trending: 0.1, inventory: 0.1)
        case .checkoutOffer:
            // An impulse buy at checkout: complements, and things many people take.
            weights = Signals(collaborative: 0.5, content: 0.15, popularity: 0.15, trending: 0.1, inventory: 0.1)
        case .postOrderEmail:
            weights = Signals(collaborative: 0.5, content: 0.2, popularity: 0.1, trending: 0.1, inventory: 0.1)
        case .searchRerank:
            // The query is the strongest statement of intent; content carries the query match.
            weights = Signals(collaborative: 0.15, content: 0.55, popularity: 0.15, trending: 0.05, inventory: 0.1)
        }
        switch strategy {
        case .conversion: break
        case .margin: weights.margin = strategyWeight
        case .stock: weights.stockPressure = strategyWeight
        }
        return weights
    }

    /// The weights one request scores with: the defaults with the request's overrides
    /// replacing only the signals they name.
    package static func resolve(placement: Placement, strategy: Strategy, overrides: SignalWeightOverrides?) -> Signals {
        let base = defaults(for: placement, strategy: strategy)
        return overrides?.applied(to: base) ?? base
    }
}
