import TailorDemo
import TailorJourneys
import TailorModel

/// What the load generator sends next: a recommendation request, a batch of events or
/// a page's decisions.
enum LoadRequest: Sendable {
    case recommendation(RecommendationRequest)
    case events(EventBatch)
    case decision(DecisionRequest)

    var kind: LoadKind {
        switch self {
        case .recommendation: .recommendations
        case .events: .events
        case .decision: .decisions
        }
    }
}

/// The kinds of request, reported separately.
enum LoadKind: String, Sendable, CaseIterable, Codable {
    case recommendations
    case events
    /// Only in a mix that asks for them (``LoadMix/Configuration/only``).
    case decisions

    var path: String {
        switch self {
        case .recommendations: "/v1/recommendations"
        case .events: "/v1/events"
        case .decisions: "/v1/decisions"
        }
    }
}

/// The shop's traffic as a pure, seeded sequence: the same seed gives the same requests.
///
/// Shoppers and products are drawn Zipf-like from the demo shop's id space (a few are
/// frequent), placements with the weights of a typical shop's pages.
struct LoadMix: Sendable {
    struct Configuration: Sendable {
        var shoppers = DemoIDs.standardShopperCount
        var products = DemoIDs.standardProductCount
        /// The share of requests that are event batches instead of recommendations.
        var eventsShare = 0.1
        var seed: UInt64 = 1
        /// Starts every event id, so that two runs do not send the same ids (which the
        /// cluster would count as retries).
        var eventIDPrefix = "load"
        /// When set, every event batch holds exactly this many events, each of its own
        /// shopper (a shop's backend forwarding many shoppers' events at once); otherwise
        /// 1 to 5 events of one shopper's session.
        var eventsPerBatch: Int?
        /// When set, every request is of this kind, one page visit each (``LoadMix/nextVisit()``):
        /// recommendations of `placement` only, or decisions of `points`. Nil: the shop's mix.
        var only: LoadKind?
        /// The one placement of an `only` mix's recommendations.
        var placement = Placement.homeForYou
        /// What an `only: .decisions` mix asks for: the guide's page, 5 decision points and
        /// the `home_for_you` placement.
        var points = GuideJourney.pagePoints

        static var defaults: Configuration { Configuration() }
    }

    /// Placements and their weights in percent.
    static let placementWeights: [(Placement, Int)] = [
        (.homeForYou, 30), (.productSimilar, 30), (.cartAddons, 15),
        (.searchRerank, 10), (.checkoutOffer, 10), (.postOrderEmail, 5),
    ]
    /// Strategies and their weights in percent.
    static let strategyWeights: [(Strategy, Int)] = [(.conversion, 80), (.margin, 10), (.stock, 10)]
    /// Event types and their weights in percent.
    static let eventWeights: [(EventType, Int)] = [(.view, 75), (.addToCart, 18), (.purchase, 7)]
    static let queries = [
        "running shoes", "rain jacket", "coffee", "desk lamp", "headphones", "yoga mat",
        "backpack", "wool socks", "phone case", "water bottle", "sunglasses", "kettle",
    ]
    static let devices = ["web", "ios", "android"]

    let configuration: Configuration
    var random: SplitMix64
    let shoppers: ScatteredZipf
    private let products: ScatteredZipf
    private var nextEventNumber = 0

    init(configuration: Configuration = .defaults) {
        self.configuration = configuration
        self.random = SplitMix64(seed: configuration.seed)
        self.shoppers = ScatteredZipf(count: configuration.shoppers, exponent: 0.8)
        self.products = ScatteredZipf(count: configuration.products, exponent: 0.9)
    }

    /// The next request of the sequence.
    mutating func next() -> LoadRequest {
        if let only = configuration.only { return nextVisit(only) }
        if random.nextUnit() < configuration.eventsShare {
            return .events(nextEventBatch())
        }
        return .recommendation(nextRecommendation())
    }

    mutating func nextRecommendation() -> RecommendationRequest {
        let shopper = nextShopper()
        let placement = pick(Self.placementWeights)
        var context = RecommendationContext(page: placement.rawValue, device: pick(Self.devices))
        switch placement {
        case .productSimilar:
            context.product = nextProduct()
        case .cartAddons, .checkoutOffer:
            context.cart = distinctProducts(random.next(in: 1...3))
        case .searchRerank:
            context.query = pick(Self.queries)
            context.candidates = distinctProducts(random.next(in: 20...50))
        case .homeForYou, .postOrderEmail:
            break
        }
        return RecommendationRequest(
            shopper: shopper,
            session: "\(shopper)-s\(random.next(in: 1...3))",
            placement: placement,
            context: context,
            k: random.nextBool() ? 5 : 10,
            strategy: pick(Self.strategyWeights)
        )
    }

    mutating func nextEventBatch() -> EventBatch {
        if let size = configuration.eventsPerBatch {
            return EventBatch(events: (0..<size).map { _ in
                let shopper = nextShopper()
                let type = pick(Self.eventWeights)
                nextEventNumber += 1
                return ShopperEvent(
                    id: "\(configuration.eventIDPrefix)-\(nextEventNumber)", type: type, shopper: shopper,
                    session: "\(shopper)-s\(random.next(in: 1...3))", product: nextProduct(),
                    quantity: type == .view ? nil : random.next(in: 1...2)
                )
            })
        }
        let shopper = nextShopper()
        let session = "\(shopper)-s\(random.next(in: 1...3))"
        let count = random.next(in: 1...5)
        let events = (0..<count).map { _ in
            let type = pick(Self.eventWeights)
            nextEventNumber += 1
            return ShopperEvent(
                id: "\(configuration.eventIDPrefix)-\(nextEventNumber)",
                type: type,
                shopper: shopper,
                session: session,
                product: nextProduct(),
                quantity: type == .view ? nil : random.next(in: 1...2),
                context: ["device": pick(Self.devices)]
            )
        }
        return EventBatch(events: events)
    }

    private mutating func nextShopper() -> String {
        DemoIDs.shopper(shoppers.next(using: &random))
    }

    private mutating func nextProduct() -> String {
        DemoIDs.product(products.next(using: &random))
    }

    /// `count` different products (fewer only when the catalog is smaller than that).
    private mutating func distinctProducts(_ count: Int) -> [String] {
        let wanted = min(count, configuration.products)
        var seen = Set<Int>()
        var picked: [String] = []
        // Popular products repeat often; after a few tries fall back to uniform draws.
        var attempts = 0
        while picked.count < wanted {
            attempts += 1
            let index =
                attempts <= wanted * 4
                ? products.next(using: &random) : random.below(configuration.products)
            if seen.insert(index).inserted { picked.append(DemoIDs.product(index)) }
        }
        return picked
    }

    mutating func pick<Value>(_ weighted: [(Value, Int)]) -> Value {
        let total = weighted.reduce(0) { $0 + $1.1 }
        var roll = random.below(total)
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[weighted.count - 1].0
    }

    mutating func pick(_ values: [String]) -> String {
        values[random.below(values.count)]
    }
}
