/// The body of `POST /v1/recommendations`.
public struct RecommendationRequest: Codable, Sendable, Hashable {
    public var shopper: String
    public var session: String?
    public var placement: Placement
    public var context: RecommendationContext?
    public var k: Int?
    public var strategy: Strategy?
    public var filters: RecommendationFilters?
    /// Per-signal weight overrides for this request.
    public var weights: SignalWeightOverrides?
    /// Mix the answer 70 % predicted, 20 % trending, 10 % discovery (off by default).
    public var mix: Bool?

    /// The JSON spells the shopper `user`.
    enum CodingKeys: String, CodingKey {
        case shopper = "user", session, placement, context, k, strategy, filters, weights, mix
    }

    public init(
        shopper: String, session: String? = nil, placement: Placement, context: RecommendationContext? = nil,
        k: Int? = nil, strategy: Strategy? = nil, filters: RecommendationFilters? = nil,
        weights: SignalWeightOverrides? = nil, mix: Bool? = nil
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
    }

    public var resolvedK: Int { k ?? Limits.defaultK }
    public var resolvedStrategy: Strategy { strategy ?? .conversion }
    public var resolvedFilters: RecommendationFilters { filters ?? RecommendationFilters() }

    public func validate() throws(ValidationError) {
        try Check.identifier(shopper, "user")
        try Check.optionalIdentifier(session, "session")
        if let k, k < 1 || k > Limits.maximumK {
            throw ValidationError(field: "k", problem: "must be between 1 and \(Limits.maximumK)")
        }
        try context?.validate(field: "context")
        try filters?.validate(field: "filters")
        try weights?.validate(field: "weights")
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
public struct RecommendationContext: Codable, Sendable, Hashable {
    /// The product on screen (product page, just added to cart).
    public var product: String?
    public var cart: [String]?
    public var page: String?
    public var device: String?
    public var source: String?
    public var query: String?
    /// The products a search returned, for `search_rerank`.
    public var candidates: [String]?

    public init(
        product: String? = nil, cart: [String]? = nil, page: String? = nil, device: String? = nil,
        source: String? = nil, query: String? = nil, candidates: [String]? = nil
    ) {
        self.product = product
        self.cart = cart
        self.page = page
        self.device = device
        self.source = source
        self.query = query
        self.candidates = candidates
    }

    public func validate(field: String) throws(ValidationError) {
        try Check.optionalIdentifier(product, "\(field).product")
        if let cart {
            try Check.count(cart.count, "\(field).cart", max: Limits.maximumCartItems)
            for (index, item) in cart.enumerated() { try Check.identifier(item, "\(field).cart[\(index)]") }
        }
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
public struct RecommendationFilters: Codable, Sendable, Hashable {
    /// Only products in this category or below it (matches any level of the path).
    public var category: String?
    public var minPrice: Double?
    public var maxPrice: Double?
    /// Only products with stock; on unless set to false.
    public var inStockOnly: Bool?
    /// Nothing the shopper already bought; on unless set to false.
    public var excludePurchased: Bool?

    public init(
        category: String? = nil, minPrice: Double? = nil, maxPrice: Double? = nil,
        inStockOnly: Bool? = nil, excludePurchased: Bool? = nil
    ) {
        self.category = category
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.inStockOnly = inStockOnly
        self.excludePurchased = excludePurchased
    }

    public func validate(field: String) throws(ValidationError) {
        if let category { try Check.text(category, "\(field).category") }
        if let minPrice { try Check.number(minPrice, "\(field).minPrice") }
        if let maxPrice { try Check.number(maxPrice, "\(field).maxPrice") }
        if let minPrice, let maxPrice, minPrice > maxPrice {
            throw ValidationError(field: "\(field).maxPrice", problem: "is below minPrice")
        }
    }
}

/// One recommended product, ready to render.
public struct RecommendedItem: Codable, Sendable, Hashable {
    public var product: String
    public var title: String
    public var category: String
    public var price: Double
    public var score: Float
    /// Each signal's weighted contribution; they add up to `score`.
    public var signals: Signals
    /// Why, in a sentence a shopper or a merchandiser can read.
    public var reason: String

    public init(product: String, title: String, category: String, price: Double, score: Float, signals: Signals, reason: String) {
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
public struct Coverage: Codable, Sendable, Hashable {
    /// Catalog partitions the answer should have scored.
    public var partitions: Int
    /// Catalog partitions that answered in time.
    public var answered: Int
    /// True when some partitions did not answer (or the shopper's profile was not reachable).
    public var degraded: Bool
    /// Why it is degraded, when it is.
    public var reasons: [String]?

    public init(partitions: Int, answered: Int, degraded: Bool, reasons: [String]? = nil) {
        self.partitions = partitions
        self.answered = answered
        self.degraded = degraded
        self.reasons = reasons
    }
}

/// The answer to `POST /v1/recommendations`.
public struct RecommendationResponse: Codable, Sendable {
    public var items: [RecommendedItem]
    public var coverage: Coverage
    public var placement: Placement
    public var strategy: Strategy
    public var tookMs: Double

    public init(items: [RecommendedItem], coverage: Coverage, placement: Placement, strategy: Strategy, tookMs: Double) {
        self.items = items
        self.coverage = coverage
        self.placement = placement
        self.strategy = strategy
        self.tookMs = tookMs
    }
}
