import Testing
import TailorModel
@testable import TailorScoring

/// A traced query: where each returned product came from, and what the kernel removed.
@Suite struct TraceKernelTests {
    static let running = (1...3).map { Fixture.product("run\($0)", ["Shoes", "Running"], brand: "Acme") }
    static let lamps = (1...3).map { Fixture.product("lamp\($0)", ["Home", "Lamps"], brand: "Lux", price: 40) }

    static func traced(_ situation: Situation, filters: RecommendationFilters = RecommendationFilters(), index: CatalogIndex) -> ScoringResult {
        var query = Fixture.query(situation, k: 10, filters: filters)
        query.trace = true
        return Fixture.score(index, query)
    }

    @Test func coOccurringProductsNameTheSeedsTheyCameFromLargestShareFirst() throws {
        var index = Fixture.index(Self.running + Self.lamps)
        _ = index.apply(Fixture.contributions("e1", pairs: [("run1", "lamp1", 1), ("run2", "lamp1", 3), ("run1", "lamp2", 1)])) { _ in true }
        let situation = Situation(items: [.init(product: "run1", weight: 1), .init(product: "run2", weight: 1)])
        let result = Self.traced(situation, index: index)
        let trace = try #require(result.trace)
        let origins = Dictionary(uniqueKeysWithValues: trace.origins.map { ($0.product, $0) })
        #expect(Set(origins.keys) == Set(result.ranked.map(\.product)))
        #expect(origins["lamp1"]?.source == .cooccurrence)
        #expect(origins["lamp1"]?.seeds == ["run2", "run1"])
        #expect(origins["lamp2"]?.seeds == ["run1"])
        // A small partition is scored whole: the others came from the catalog, with no seeds.
        #expect(origins["lamp3"]?.source == .catalog)
        #expect(origins["lamp3"]?.seeds == [])
    }

    @Test func anUntracedQueryCarriesNoTrace() {
        let result = Fixture.score(Fixture.index(Self.running), Fixture.query(Situation(), k: 3))
        #expect(result.trace == nil)
    }

    @Test func removalsAreReportedWithTheirReasonAndScore() throws {
        var index = Fixture.index(Self.running + Self.lamps)
        _ = index.setStock(StockLevel(product: "run3", quantity: 0, version: 2))
        var situation = Situation(categoryAffinity: ["Shoes > Running": 1], typicalPrice: 100)
        situation.purchased = ["run1"]
        situation.exclude = ["run2"]
        let result = Self.traced(situation, filters: RecommendationFilters(maxPrice: 50), index: index)
        let trace = try #require(result.trace)
        let removed = Dictionary(uniqueKeysWithValues: trace.removed.map { ($0.product, $0) })
        #expect(removed["run1"]?.reason == .alreadyBought)
        #expect(removed["run2"]?.reason == .filter)
        #expect(removed["run3"]?.reason == .outOfStock)
        #expect(result.ranked.allSatisfy { removed[$0.product] == nil })
        for entry in trace.removed { #expect(abs(entry.signals.total - entry.score) < 1e-5) }
        #expect(zip(trace.removed, trace.removed.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func matchedAttributesAreNamedHeaviestFirst() throws {
        var product = Fixture.product("tee", ["Clothing", "Tops"])
        product.tags = ["organic", "summer"]
        product.attributes = ["color": "Blue"]
        let index = Fixture.index([product] + Self.lamps)
        let situation = Situation(featureAffinity: ["color=blue": 2, "organic": 1, "winter": 3])
        let trace = try #require(Self.traced(situation, index: index).trace)
        #expect(trace.origins.first { $0.product == "tee" }?.attributes == ["color=blue", "organic"])
    }
}
