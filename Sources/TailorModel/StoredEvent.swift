/// A product as an event or a situation refers to it: the id, with the attributes
/// the gateway knew when it saw the event, so a shopper's affinities can be built on
/// the shopper's partition without asking the catalog's.
public struct ProductRef: Sendable, Hashable {
    public var id: String
    /// Category path joined with " > ", empty when unknown.
    public var category: String
    /// Empty when unknown.
    public var brand: String
    /// 0 when unknown.
    public var price: Double
    /// The product's features (its tags and `key=value` attributes), each with the
    /// weight the gateway gave it from how rare it is in the catalog (TailorScoring's
    /// `ProductFeatures`); empty when unknown.
    public var features: [String: Float]

    public init(id: String, category: String = "", brand: String = "", price: Double = 0, features: [String: Float] = [:]) {
        self.id = id
        self.category = category
        self.brand = brand
        self.price = price
        self.features = features
    }
}

/// An event as the cluster stores it: id assigned, time resolved, products enriched.
public struct StoredEvent: Sendable, Hashable {
    public var id: String
    public var type: EventType
    public var shopper: String
    public var session: String
    public var products: [ProductRef]
    public var quantity: Int
    public var query: String
    /// Milliseconds since the Unix epoch.
    public var atMillis: Int64

    public init(
        id: String, type: EventType, shopper: String, session: String, products: [ProductRef],
        quantity: Int = 1, query: String = "", atMillis: Int64
    ) {
        self.id = id
        self.type = type
        self.shopper = shopper
        self.session = session
        self.products = products
        self.quantity = quantity
        self.query = query
        self.atMillis = atMillis
    }
}

/// What a stored event contributes to the catalog's side: popularity for the products
/// it names, and co-occurrence pairs with what the shopper did just before. Applied
/// once per event id by each catalog partition that holds one of the products.
public struct EventContributions: Sendable, Hashable {
    public struct Interaction: Sendable, Hashable {
        public var product: String
        public var weight: Float
        public init(product: String, weight: Float) {
            self.product = product
            self.weight = weight
        }
    }

    /// "Shoppers who engaged with `source` also engaged with `target`", with a weight.
    public struct Pair: Sendable, Hashable {
        public var source: String
        public var target: String
        public var weight: Float
        public init(source: String, target: String, weight: Float) {
            self.source = source
            self.target = target
            self.weight = weight
        }
    }

    public var eventID: String
    public var atMillis: Int64
    public var interactions: [Interaction]
    public var pairs: [Pair]

    public init(eventID: String, atMillis: Int64, interactions: [Interaction], pairs: [Pair]) {
        self.eventID = eventID
        self.atMillis = atMillis
        self.interactions = interactions
        self.pairs = pairs
    }

    /// The products whose catalog partitions these contributions go to: those the event
    /// names (popularity) and the targets of its pairs (co-occurrence).
    public var catalogProducts: [String] {
        interactions.map(\.product) + pairs.map(\.target)
    }
}

/// The shopper's situation for one request: what the catalog partitions score against.
/// Built from the profile on the shopper's partition, then merged with the request's
/// context at the gateway (context weighs more than history).
public struct Situation: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var product: String
        public var weight: Float
        public init(product: String, weight: Float) {
            self.product = product
            self.weight = weight
        }
    }

    /// Seed items for the collaborative signal, heaviest first.
    public var items: [Item]
    /// Decayed affinity per category (full path " > "-joined, and each ancestor), 0...1.
    public var categoryAffinity: [String: Float]
    /// Decayed affinity per brand, 0...1.
    public var brandAffinity: [String: Float]
    /// Weight per product feature (tag or `key=value` attribute) of the recent items,
    /// for the content signal's attribute similarity; a product with several of them
    /// scores their sum over the square root of its feature count.
    public var featureAffinity: [String: Float]
    /// Typical price the shopper pays (0 when unknown), for the content signal's price band.
    public var typicalPrice: Double
    /// Products already bought (for `excludePurchased`).
    public var purchased: [String]
    /// Products never to recommend in this answer (the page's product, the cart).
    public var exclude: [String]
    /// Lower-cased words of the query, for `search_rerank` and search context.
    public var queryTerms: [String]
    /// When non-empty, only these products may be scored (`search_rerank`).
    public var candidates: [String]

    public init(
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
public struct ScoredCandidate: Sendable, Hashable {
    public var product: String
    public var title: String
    public var category: String
    public var brand: String
    public var price: Double
    public var stock: Int64?
    public var score: Float
    public var signals: Signals
    /// The situation item that contributed most to `collaborative`, if any.
    public var becauseOf: String?

    public init(
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
