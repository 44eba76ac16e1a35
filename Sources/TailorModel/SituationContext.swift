/// What a recommendation request adds to the shopper's profile: everything
/// `SituationBuilder.merge(profile:context:)` (TailorScoring) needs besides the profile, so that
/// the merge can run on whichever member holds the profile.
package struct SituationContext: Sendable, Hashable {
    package var placement: Placement
    /// The product on screen, enriched.
    package var anchor: ProductRef?
    /// The cart's products, enriched, in the cart's order.
    package var cart: [ProductRef]
    /// Context products that are neither the anchor nor in `cart` (excluded all the same).
    package var exclude: [String]
    /// `context.query`.
    package var query: String?
    /// `context.candidates` (search re-ranking).
    package var candidates: [String]

    package init(
        placement: Placement, anchor: ProductRef? = nil, cart: [ProductRef] = [], exclude: [String] = [],
        query: String? = nil, candidates: [String] = []
    ) {
        self.placement = placement
        self.anchor = anchor
        self.cart = cart
        self.exclude = exclude
        self.query = query
        self.candidates = candidates
    }

    /// The context of `request`, with `anchor` and `cart` as the gateway enriched them.
    package init(request: RecommendationRequest, anchor: ProductRef?, cart: [ProductRef]) {
        let context = request.context
        var exclude: [String] = []
        if let product = context?.product, anchor == nil { exclude.append(product) }
        for id in context?.cart ?? [] where !cart.contains(where: { $0.id == id }) { exclude.append(id) }
        self.init(
            placement: request.placement, anchor: anchor, cart: cart, exclude: exclude,
            query: context?.query, candidates: context?.candidates ?? []
        )
    }
}
