/// A product as an event or a situation refers to it: the id, with the attributes
/// the gateway knew when it saw the event, so a shopper's affinities can be built on
/// the shopper's partition without asking the catalog's.
package struct ProductRef: Sendable, Hashable {
    package var id: String
    /// Category path joined with " > ", empty when unknown.
    package var category: String
    /// Empty when unknown.
    package var brand: String
    /// 0 when unknown.
    package var price: Double
    /// The product's features (its tags and `key=value` attributes), each with the
    /// weight the gateway gave it from how rare it is in the catalog (TailorScoring's
    /// `ProductFeatures`); empty when unknown.
    package var features: [String: Float]
    /// What the product costs the shop (the margin of a purchase), nil when unknown.
    package var cost: Double?

    package init(id: String, category: String = "", brand: String = "", price: Double = 0, features: [String: Float] = [:], cost: Double? = nil) {
        self.id = id
        self.category = category
        self.brand = brand
        self.price = price
        self.features = features
        self.cost = cost
    }
}

/// An event as the cluster stores it: id assigned, time resolved, products enriched.
package struct StoredEvent: Sendable, Hashable {
    package var id: String
    package var type: EventType
    package var shopper: String
    package var session: String
    package var products: [ProductRef]
    package var quantity: Int
    package var query: String
    /// Milliseconds since the Unix epoch.
    package var atMillis: Int64
    /// The recommendation the event came from (its `recommendationId`), empty when none.
    package var recommendationID: String
    /// A purchase's unit price as the shop sent it; the products' catalog prices count when nil.
    package var unitPrice: Double?

    package init(
        id: String, type: EventType, shopper: String, session: String, products: [ProductRef],
        quantity: Int = 1, query: String = "", atMillis: Int64, recommendationID: String = "", unitPrice: Double? = nil
    ) {
        self.id = id
        self.type = type
        self.shopper = shopper
        self.session = session
        self.products = products
        self.quantity = quantity
        self.query = query
        self.atMillis = atMillis
        self.recommendationID = recommendationID
        self.unitPrice = unitPrice
    }
}

/// What a stored event contributes to the catalog's side: popularity for the products
/// it names, and co-occurrence pairs with what the shopper did just before. Applied
/// once per event id by each catalog partition that holds one of the products.
package struct EventContributions: Sendable, Hashable {
    package struct Interaction: Sendable, Hashable {
        package var product: String
        package var weight: Float
        package init(product: String, weight: Float) {
            self.product = product
            self.weight = weight
        }
    }

    /// "Shoppers who engaged with `source` also engaged with `target`", with a weight.
    package struct Pair: Sendable, Hashable {
        package var source: String
        package var target: String
        package var weight: Float
        package init(source: String, target: String, weight: Float) {
            self.source = source
            self.target = target
            self.weight = weight
        }
    }

    package var eventID: String
    package var atMillis: Int64
    package var interactions: [Interaction]
    package var pairs: [Pair]

    package init(eventID: String, atMillis: Int64, interactions: [Interaction], pairs: [Pair]) {
        self.eventID = eventID
        self.atMillis = atMillis
        self.interactions = interactions
        self.pairs = pairs
    }

    /// The products whose catalog partitions these contributions go to: those the event
    /// names (popularity) and the targets of its pairs (co-occurrence).
    package var catalogProducts: [String] {
        interactions.map(\.product) + pairs.map(\.target)
    }
}

/// The shopper's situation for one request: what the catalog partitions score against.
/// Built from the profile on the shopper's partition, then merged with the request's
/// context at the gateway (context weighs more than history).
package struct Situation: Sendable, Hashable {
    package struct Item: Sendable, Hashable {
        package var product: String
        package var weight: Float
        package init(product: String, weight: Float) {
            self.product = product
            self.weight = weight
        }
    }

    /// Seed items for the collaborative signal, heaviest first.
    package var items: [Item]
    /// Decayed affinity per category (full path " > "-joined, and each ancestor), 0...1.
    package var categoryAffinity: [String: Float]
    /// Decayed affinity per brand, 0...1.
    package var brandAffinity: [String: Float]
    /// Weight per product feature (tag or `key=value` attribute) of the recent items,
    /// for the content signal's attribute similarity; a product with several of them
    /// scores their sum over the square root of its feature count.
    package var featureAffinity: [String: Float]
    /// Typical price the shopper pays (0 when unknown), for the content signal's price band.
    package var typicalPrice: Double
    /// Products already bought (for `excludePurchased`).
    package var purchased: [String]
    /// Products never to recommend in this answer (the page's product, the cart).
    package var exclude: [String]
    /// Lower-cased words of the query, for `search_rerank` and search context.
    package var queryTerms: [String]
    /// When non-empty, only these products may be scored (`search_rerank`).
    package var candidates: [String]

    package init(
        items: [Item] = [], categoryAffinity: [String: Float] = [:], brandAffinity: [String: Float] = [:],
        featureAffinity: [String: Float] = [:], typicalPrice: Double = 0, purchased: [String] = [], exclude: [String] = [],
        queryTerms: [String] = [], candidates: [String] = []
    ) {
        self.items = items
        self.categoryAffinity = categoryAffinity
        self.brandAffinity = brandAffinity
        self.featureAffinity = featureAffinity
        self.typicalPrice = typicalPrice
        self.purchased = purchased
        self.exclude = exclude
        self.queryTerms = queryTerms
        self.candidates = candidates
    }
}

/// One product a catalog partition proposes, before the gateway's merge.
package struct ScoredCandidate: Sendable, Hashable {
    package var product: String
    package var title: String
    package var category: String
    package var brand: String
    package var price: Double
    package var stock: Int64?
    package var score: Float
    package var signals: Signals
    /// The situation item that contributed most to `collaborative`, if any.
    package var becauseOf: String?

    package init(
        product: String, title: String, category: String, brand: String, price: Double, stock: Int64?,
        score: Float, signals: Signals, becauseOf: String? = nil
    ) {
        self.product = product
        self.title = title
        self.category = category
        self.brand = brand
        self.price = price
        self.stock = stock
        self.score = score
        self.signals = signals
        self.becauseOf = becauseOf
    }
}
