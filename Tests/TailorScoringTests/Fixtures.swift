import TailorModel
@testable import TailorScoring

/// Small builders shared by the scoring tests.
enum Fixture {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour
    /// An arbitrary "now" well past the epoch, as real clocks give.
    static let now: Int64 = 1_760_000_000_000

    static func product(
        _ id: String, _ category: [String] = ["Shoes", "Running"], brand: String? = "Acme", price: Double = 100,
        cost: Double? = nil, title: String? = nil, version: Int64 = 1
    ) -> Product {
        Product(id: id, title: title ?? "Product \(id)", categoryPath: category, brand: brand, price: price, cost: cost, version: version)
    }

    static func ref(_ product: Product) -> ProductRef {
        ProductRef(id: product.id, category: product.category, brand: product.brand ?? "", price: product.price)
    }

    static func event(
        _ id: String, _ type: EventType = .view, _ products: [ProductRef], session: String = "s1", at: Int64 = now,
        query: String = "", quantity: Int = 1
    ) -> StoredEvent {
        StoredEvent(id: id, type: type, shopper: "u1", session: session, products: products, quantity: quantity, query: query, atMillis: at)
    }

    static func index(_ products: [Product], stock: Int64? = 5) -> CatalogIndex {
        var index = CatalogIndex()
        for product in products {
            _ = index.upsert(product)
            if let stock { _ = index.setStock(StockLevel(product: product.id, quantity: stock, version: 1)) }
        }
        return index
    }

    static func query(
        _ situation: Situation = Situation(), weights: Signals = ScoringWeights.defaults(for: .homeForYou, strategy: .conversion),
        k: Int = 5, filters: RecommendationFilters = RecommendationFilters(), placement: Placement = .homeForYou,
        now: Int64 = now, mix: Bool = false
    ) -> ScoringQuery {
        ScoringQuery(situation: situation, weights: weights, k: k, filters: filters, placement: placement, nowMillis: now, mix: mix)
    }

    static func score(_ index: CatalogIndex, _ query: ScoringQuery) -> ScoringResult {
        var scratch = ScoringScratch()
        return index.score(query, scratch: &scratch)
    }

    static func contributions(_ id: String, at: Int64 = now, interactions: [(String, Float)] = [], pairs: [(String, String, Float)] = []) -> EventContributions {
        EventContributions(
            eventID: id, atMillis: at,
            interactions: interactions.map { EventContributions.Interaction(product: $0.0, weight: $0.1) },
            pairs: pairs.map { EventContributions.Pair(source: $0.0, target: $0.1, weight: $0.2) }
        )
    }

    static func candidate(_ id: String, score: Float, category: String = "A") -> ScoredCandidate {
        ScoredCandidate(product: id, title: "T \(id)", category: category, brand: "", price: 10, stock: 1, score: score, signals: Signals(popularity: score))
    }
}
