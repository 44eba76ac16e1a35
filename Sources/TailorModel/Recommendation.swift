/// The body of `POST /v1/recommendations`.
package struct RecommendationRequest: Codable, Sendable, Hashable {
    package var shopper: String
    package var session: String?
    package var placement: Placement
    package var context: RecommendationContext?
    package var k: Int?
    package var strategy: Strategy?
    package var filters: RecommendationFilters?
    /// Per-signal weight overrides for this request.
    package var weights: SignalWeightOverrides?
    /// Mix the answer 70 % predicted, 20 % trending, 10 % discovery (off by default).
    package var mix: Bool?
    /// The shopper's consent to personalisation (`granted` or `denied`); when missing,
    /// the gateway's ``ConsentPolicy`` decides. Kept as written, checked by ``validate()``.
    package var personalization: String?
    /// Largest share of the answer one leaf category may take; not part of the JSON:
    /// the gateway takes it from the placement's saved strategy settings.
    package var maxCategoryShare: Double? = nil

    /// The JSON spells the shopper `user`.
    enum CodingKeys: String, CodingKey {
        case shopper = "user", session, placement, context, k, strategy, filters, weights, mix, personalization
    }

    package init(
        shopper: String, session: String? = nil, placement: Placement, context: RecommendationContext? = nil,
        k: Int? = nil, strategy: Strategy? = nil, filters: RecommendationFilters? = nil,
        weights: SignalWeightOverrides? = nil, mix: Bool? = nil, personalization: String? = nil
    ) {
        self.shopper = shopper
        self.session = session
        self.placement = placement
        self.context = context
        self.k = k
        self.strategy = strategy
        self.filters = filters
        self.weights = weights
        self.mix = mix
        self.personalization = personalization
    }

    package var resolvedK: Int { k ?? Limits.defaultK }
    package var resolvedStrategy: Strategy { strategy ?? .conversion }
    package var resolvedFilters: RecommendationFilters { filters ?? RecommendationFilters() }

    package func validate() throws(ValidationError) {
        try Check.identifier(shopper, "user")
        try Check.optionalIdentifier(session, "session")
        if let k, k < 1 || k > Limits.maximumK {
            throw ValidationError(field: "k", problem: "must be between 1 and \(Limits.maximumK)")
        }
        try context?.validate(field: "context")
        try filters?.validate(field: "filters")
        try weights?.validate(field: "weights")
        try Personalization.check(personalization, "personalization")
        switch placement {
        case .productSimilar where context?.product == nil:
            throw ValidationError(field: "context.product", problem: "product_similar needs the product the page shows")
        case .searchRerank where (context?.candidates ?? []).isEmpty:
            throw ValidationError(field: "context.candidates", problem: "search_rerank needs the candidates to re-rank")
        default:
            break
        }
    }
}

/// What the request knows about the moment: it weighs more than the long-term profile.
package struct RecommendationContext: Codable, Sendable, Hashable {
    /// The product on screen (product page, just added to cart).
    package var product: String?
    package var cart: [String]?
    package var page: String?
    package var device: String?
    package var source: String?
    package var query: String?
    /// The products a search returned, for `search_rerank`.
    package var candidates: [String]?
    /// The storefront reports the shopper is about to leave (segments' `exit_intent`).
    package var exitIntent: Bool?
    /// The shopper's local hour, 0 to 23 (segments' `local_hour`).
    package var localHour: Int?
    /// The storefront's session id: a session other than the newest event's is a new one.
    package var session: String?

    package init(
        product: String? = nil, cart: [String]? = nil, page: String? = nil, device: String? = nil,
        source: String? = nil, query: String? = nil, candidates: [String]? = nil,
        exitIntent: Bool? = nil, localHour: Int? = nil, session: String? = nil
    ) {
        self.product = product
        self.cart = cart
        self.page = page
        self.device = device
        self.source = source
        self.query = query
        self.candidates = candidates
        self.exitIntent = exitIntent
        self.localHour = localHour
        self.session = session
    }

    /// What the shopper's facts take from the request (``ShopperFacts``' context):
    /// `source`, `device`, `local_hour`, `exit_intent` and `session`, those given.
    package var factContext: [String: String] {
        var context: [String: String] = [:]
        if let source { context["source"] = source.lowercased() }
        if let device { context["device"] = device.lowercased() }
        if let localHour { context["local_hour"] = String(localHour) }
        if let exitIntent { context["exit_intent"] = exitIntent ? "true" : "false" }
        if let session { context["session"] = session }
        return context
    }

    package func validate(field: String) throws(ValidationError) {
        try Check.optionalIdentifier(product, "\(field).product")
        if let cart {
            try Check.count(cart.count, "\(field).cart", max: Limits.maximumCartItems)
            for (index, item) in cart.enumerated() { try Check.identifier(item, "\(field).cart[\(index)]") }
        }
        if let localHour, !(0...23).contains(localHour) {
            throw ValidationError(field: "\(field).localHour", problem: "must be an hour from 0 to 23")
        }
        try Check.optionalIdentifier(session, "\(field).session")
        for (name, value) in [("page", page), ("device", device), ("source", source)] {
            if let value { try Check.text(value, "\(field).\(name)", maxBytes: Limits.maximumIDBytes, allowEmpty: true) }
        }
        if let query { try Check.text(query, "\(field).query", maxBytes: Limits.maximumQueryBytes, allowEmpty: true) }
        if let candidates {
            try Check.count(candidates.count, "\(field).candidates", max: Limits.maximumCandidates)
            for (index, item) in candidates.enumerated() { try Check.identifier(item, "\(field).candidates[\(index)]") }
        }
    }
}

/// Hard constraints on what may be recommended.
package struct RecommendationFilters: Codable, Sendable, Hashable {
    /// Only products in this category or below it (matches any level of the path).
    package var category: String?
    package var minPrice: Double?
    package var maxPrice: Double?
    /// Only products with stock; on unless set to false.
    package var inStockOnly: Bool?
    /// Nothing the shopper already bought; on unless set to false.
    package var excludePurchased: Bool?

    package init(
        category: String? = nil, minPrice: Double? = nil, maxPrice: Double? = nil,
        inStockOnly: Bool? = nil, excludePurchased: Bool? = nil
    ) {
        self.category = category
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.inStockOnly = inStockOnly
        self.excludePurchased = excludePurchased
    }

    package func validate(field: String) throws(ValidationError) {
        if let category { try Check.text(category, "\(field).category") }
        if let minPrice { try Check.number(minPrice, "\(field).minPrice") }
        if let maxPrice { try Check.number(maxPrice, "\(field).maxPrice") }
        if let minPrice, let maxPrice, minPrice > maxPrice {
            throw ValidationError(field: "\(field).maxPrice", problem: "is below minPrice")
        }
    }
}

/// One recommended product, ready to render.
package struct RecommendedItem: Codable, Sendable, Hashable {
    package var product: String
    package var title: String
    package var category: String
    package var price: Double
    package var score: Float
    /// Each signal's weighted contribution; they add up to `score`.
    package var signals: Signals
    /// Why, in a sentence a shopper or a merchandiser can read.
    package var reason: String
    /// Where the item stands in the answer, from 1.
    package var position: Int
    /// The product's page and image, when the shop gave them.
    package var url: String?
    package var imageURL: String?

    package init(
        product: String, title: String, category: String, price: Double, score: Float, signals: Signals, reason: String, position: Int = 1,
        url: String? = nil, imageURL: String? = nil
    ) {
        self.url = url
        self.imageURL = imageURL
        self.position = position
        self.product = product
        self.title = title
        self.category = category
        self.price = price
        self.score = score
        self.signals = signals
        self.reason = reason
    }
}

/// How much of the catalog an answer saw.
package struct Coverage: Codable, Sendable, Hashable {
    /// Catalog partitions the answer should have scored.
    package var partitions: Int
    /// Catalog partitions that answered in time.
    package var answered: Int
    /// True when some partitions did not answer (or the shopper's profile was not reachable).
    package var degraded: Bool
    /// Why it is degraded, when it is.
    package var reasons: [String]?

    package init(partitions: Int, answered: Int, degraded: Bool, reasons: [String]? = nil) {
        self.partitions = partitions
        self.answered = answered
        self.degraded = degraded
        self.reasons = reasons
    }
}

/// The answer to `POST /v1/recommendations`.
package struct RecommendationResponse: Codable, Sendable {
    package var items: [RecommendedItem]
    package var coverage: Coverage
    package var placement: Placement
    package var strategy: Strategy
    package var tookMs: Double
    /// Whether the shopper's stored history shaped the answer: false when the shopper
    /// did not consent (the answer is the one an anonymous shopper gets, with only the
    /// request's own context).
    package var personalized: Bool
    /// The consent the answer was made under: the request's, or the gateway's default.
    package var personalization: Personalization
    /// Names this answer in the events it leads to (impressions, clicks, add-to-carts,
    /// purchases): unique and opaque.
    package var recommendationId: String
    /// The experiment running on the placement and the variant this shopper gets, when one runs.
    package var experiment: String?
    package var variant: String?

    package init(
        items: [RecommendedItem], coverage: Coverage, placement: Placement, strategy: Strategy, tookMs: Double,
        personalization: Personalization = .granted, recommendationId: String = "", experiment: String? = nil, variant: String? = nil
    ) {
        self.recommendationId = recommendationId
        self.experiment = experiment
        self.variant = variant
        self.items = items
        self.coverage = coverage
        self.placement = placement
        self.strategy = strategy
        self.tookMs = tookMs
        self.personalized = personalization == .granted
        self.personalization = personalization
    }
}
