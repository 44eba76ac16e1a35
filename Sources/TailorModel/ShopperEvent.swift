import Foundation

/// What a shopper did. The raw values are the API's spelling.
package enum EventType: String, Codable, Sendable, CaseIterable {
    case view
    case addToCart = "add_to_cart"
    case removeFromCart = "remove_from_cart"
    case purchase
    case search
    case click
    /// The storefront showed the products of a recommendation (`recommendationId`):
    /// counted by the outcome loop, never part of the shopper's profile or popularity.
    case impression

    /// Events a storefront's page sends (a public key may send them); purchases come
    /// from the shop's servers (a private key).
    package var isBrowserEvent: Bool { self != .purchase }

    /// How strongly the event says "this shopper wants this product": the weight of
    /// the event in the shopper's profile and in popularity. A removal counts against.
    package var interest: Float {
        switch self {
        case .view: 1
        case .click: 1.5
        case .search: 0.5
        case .addToCart: 4
        case .removeFromCart: -2
        case .purchase: 8
        case .impression: 0
        }
    }
}

/// One thing a shopper did, as `POST /v1/events` receives it.
///
/// `id` is the client's: a retry with the same id is a no-op (the gateway makes one
/// when it is missing, which makes that event's retries not idempotent).
package struct ShopperEvent: Codable, Sendable, Hashable {
    package var id: String?
    package var type: EventType
    package var shopper: String
    package var session: String?
    package var product: String?
    package var products: [String]?
    package var quantity: Int?
    package var price: Double?
    package var query: String?
    /// When it happened; the gateway's clock when missing.
    package var at: Date?
    package var context: [String: String]?
    /// The shopper's consent to personalisation (`granted` or `denied`, see
    /// ``Personalization``); when missing, the gateway's ``ConsentPolicy`` decides.
    /// Kept as written so that a wrong spelling is refused by ``validate(field:now:)``
    /// with the field's path, like every other invalid value.
    package var personalization: String?
    /// The recommendation the event came from (`recommendationId` of an answer):
    /// required on an impression; a click, add-to-cart or purchase may carry it.
    package var recommendationId: String?
    /// The anonymous id the shopper browsed under before this event named them (a login,
    /// a purchase with an account): the gateway merges that history into `user`'s once.
    /// Only a private key may send it (linking identities is the shop's server's word).
    package var anonymousId: String?

    /// The JSON spells the shopper `user`.
    enum CodingKeys: String, CodingKey {
        case id, type, shopper = "user", session, product, products, quantity, price, query, at, context, personalization, recommendationId, anonymousId
    }

    package init(
        id: String? = nil, type: EventType, shopper: String, session: String? = nil,
        product: String? = nil, products: [String]? = nil, quantity: Int? = nil, price: Double? = nil,
        query: String? = nil, at: Date? = nil, context: [String: String]? = nil, personalization: String? = nil,
        recommendationId: String? = nil, anonymousId: String? = nil
    ) {
        self.id = id
        self.type = type
        self.shopper = shopper
        self.session = session
        self.product = product
        self.products = products
        self.quantity = quantity
        self.price = price
        self.query = query
        self.at = at
        self.context = context
        self.personalization = personalization
        self.recommendationId = recommendationId
        self.anonymousId = anonymousId
    }

    /// `product` and `products` together, in order, without repeats.
    package var allProducts: [String] {
        var seen = Set<String>()
        return ([product].compactMap { $0 } + (products ?? [])).filter { seen.insert($0).inserted }
    }

    /// How far back from the gateway's clock `at` may be: ten years (3,653 days), so a
    /// shop can import the order history it keeps. Old events weigh in the shopper's
    /// situation relative to their newest, and co-occurrence does not decay; only the
    /// popularity and trend counters give them (rightly) next to nothing.
    package static let maximumAgeSeconds: Double = 3_653 * 86_400
    /// How far ahead of the gateway's clock `at` may be: clocks differ a little.
    package static let maximumFutureSeconds: Double = 3_600

    /// Checks the event against the API's rules; `field` is its path in the body,
    /// `now` the gateway's clock.
    package func validate(field: String, now: Date) throws(ValidationError) {
        try Check.optionalIdentifier(id, "\(field).id")
        try Check.identifier(shopper, "\(field).user")
        try Check.optionalIdentifier(session, "\(field).session")
        try Check.optionalIdentifier(anonymousId, "\(field).anonymousId")
        try Check.optionalIdentifier(product, "\(field).product")
        if let products {
            try Check.count(products.count, "\(field).products", max: Limits.maximumProductsPerEvent)
            for (index, product) in products.enumerated() {
                try Check.identifier(product, "\(field).products[\(index)]")
            }
        }
        if let recommendationId {
            try Check.text(recommendationId, "\(field).recommendationId", maxBytes: Limits.maximumRecommendationIDBytes)
        } else if type == .impression {
            throw ValidationError(field: "\(field).recommendationId", problem: "an impression names the recommendation it showed")
        }
        if type == .impression {
            if let query, !query.isEmpty { throw ValidationError(field: "\(field).query", problem: "an impression has no query") }
        } else if type != .search && allProducts.isEmpty && !(type == .click && recommendationId != nil) {
            // A click on a decision's treatment (a banner, an offer) may name no product:
            // its recommendationId (the decision's id) says what was clicked.
            throw ValidationError(
                field: "\(field).product",
                problem: type == .click
                    ? "a click event names a product (or products), or the recommendationId of what was clicked"
                    : "a \(type.rawValue) event names a product (or products)"
            )
        }
        if let query { try Check.text(query, "\(field).query", maxBytes: Limits.maximumQueryBytes) }
        if type == .search && (query ?? "").isEmpty && allProducts.isEmpty {
            throw ValidationError(field: "\(field).query", problem: "a search event has a query or the products it showed")
        }
        if let quantity, quantity < 1 || quantity > 10_000 {
            throw ValidationError(field: "\(field).quantity", problem: "must be between 1 and 10000")
        }
        if let price { try Check.number(price, "\(field).price") }
        if let at {
            let offset = at.timeIntervalSince(now)
            if !(offset >= -Self.maximumAgeSeconds && offset <= Self.maximumFutureSeconds) {
                throw ValidationError(field: "\(field).at", problem: "must be within the last 10 years (3653 days) and at most one hour ahead of the gateway's clock")
            }
        }
        try Check.context(context, "\(field).context")
        try Personalization.check(personalization, "\(field).personalization")
    }
}

/// The body of `POST /v1/events`.
package struct EventBatch: Codable, Sendable {
    package var events: [ShopperEvent]

    package init(events: [ShopperEvent]) {
        self.events = events
    }

    package func validate(now: Date) throws(ValidationError) {
        try Check.count(events.count, "events", max: Limits.maximumEventsPerBatch, allowEmpty: false)
        for (index, event) in events.enumerated() {
            try event.validate(field: "events[\(index)]", now: now)
        }
    }
}

/// The answer to `POST /v1/events`.
package struct EventBatchResult: Codable, Sendable, Equatable {
    /// Events stored for the first time.
    package var accepted: Int
    /// Events whose id the cluster already held (retries): stored once, not again.
    package var duplicates: Int
    /// The ids, in the order of the batch, including those the gateway made.
    package var ids: [String]
    /// Events of shoppers without consent to personalisation: counted in the
    /// anonymous popularity counters only, stored nowhere. Absent when there were none.
    package var notStored: Int?

    package init(accepted: Int, duplicates: Int, ids: [String], notStored: Int? = nil) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.ids = ids
        self.notStored = notStored
    }
}
