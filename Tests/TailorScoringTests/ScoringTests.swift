import Testing
import TailorModel
@testable import TailorScoring

@Suite struct ScoringTests {
    static let running = (1...3).map { Fixture.product("run\($0)", ["Shoes", "Running"], brand: "Acme") }
    static let lamps = (1...3).map { Fixture.product("lamp\($0)", ["Home", "Lamps"], brand: "Lux") }
    static let all = running + lamps

    static let runningFan = Situation(
        categoryAffinity: ["Shoes > Running": 1, "Shoes": 1], brandAffinity: ["Acme": 1], typicalPrice: 100
    )

    @Test func aShopperWhoLikesACategoryGetsItOnTop() {
        let ranked = Fixture.score(Fixture.index(Self.all), Fixture.query(Self.runningFan, k: 6)).ranked
        #expect(ranked.count == 6)
        #expect(Set(ranked.prefix(3).map(\.product)) == ["run1", "run2", "run3"])
        #expect(ranked.allSatisfy { $0.category.isEmpty == false })
    }

    @Test func theWeightedSignalsAddUpToTheScoreAndTheListIsBestFirst() {
        var index = Fixture.index(Self.all)
        _ = index.apply(Fixture.contributions("e1", interactions: [("lamp1", 5), ("run2", 2)], pairs: [("run1", "run2", 1)])) { _ in true }
        let situation = Situation(items: [.init(product: "run1", weight: 1)], categoryAffinity: ["Shoes": 0.5], typicalPrice: 80)
        let ranked = Fixture.score(index, Fixture.query(situation, k: 4)).ranked
        #expect(ranked.count == 4)
        for candidate in ranked { #expect(abs(candidate.signals.total - candidate.score) < 1e-5) }
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func outOfStockIsFilteredUnlessAskedAndUnknownStockPasses() {
        var index = Fixture.index(Self.running)
        _ = index.setStock(StockLevel(product: "run1", quantity: 0, version: 2))
        _ = index.upsert(Fixture.product("nostock"))
        let shown = Fixture.score(index, Fixture.query(Self.runningFan, k: 10)).ranked.map(\.product)
        #expect(!shown.contains("run1"))
        #expect(shown.contains("nostock"))
        let all = Fixture.score(index, Fixture.query(Self.runningFan, k: 10, filters: .init(inStockOnly: false))).ranked
        #expect(all.contains { $0.product == "run1" && $0.stock == 0 })
    }

    @Test func purchasedAndExcludedProductsAreNotRecommended() {
        var situation = Self.runningFan
        situation.purchased = ["run1"]
        situation.exclude = ["run2"]
        let index = Fixture.index(Self.all)
        let shown = Fixture.score(index, Fixture.query(situation, k: 10)).ranked.map(\.product)
        #expect(!shown.contains("run1"))
        #expect(!shown.contains("run2"))
        #expect(shown.count == 4)
        let again = Fixture.score(index, Fixture.query(situation, k: 10, filters: .init(excludePurchased: false))).ranked
        #expect(again.contains { $0.product == "run1" })
        #expect(!again.contains { $0.product == "run2" })
    }

    @Test func onlyTheCandidatesAreScoredWhenGiven() {
        var situation = Self.runningFan
        situation.candidates = ["lamp2", "run3", "lamp2", "elsewhere"]
        let ranked = Fixture.score(Fixture.index(Self.all), Fixture.query(situation, k: 10)).ranked
        #expect(ranked.map(\.product) == ["run3", "lamp2"])
    }

    @Test(arguments: [
        ("Shoes", 3), ("running", 3), ("Shoes > Running", 3), ("Shoes > Run", 0), ("Home", 3), ("Garden", 0),
    ])
    func theCategoryFilterMatchesAnyLevelOrThePathPrefix(filter: String, expected: Int) {
        let ranked = Fixture.score(Fixture.index(Self.all), Fixture.query(k: 10, filters: .init(category: filter))).ranked
        #expect(ranked.count == expected)
    }

    @Test func thePriceRangeFilters() {
        let index = Fixture.index([Fixture.product("cheap", price: 10), Fixture.product("mid", price: 50), Fixture.product("dear", price: 500)])
        let ranked = Fixture.score(index, Fixture.query(k: 10, filters: .init(minPrice: 20, maxPrice: 100))).ranked
        #expect(ranked.map(\.product) == ["mid"])
    }

    @Test func coOccurringProductsRankFirstAndNameTheirSource() {
        var index = Fixture.index(Self.all)
        // "tent" lives in another partition; the pairs targeting this one's lamps are here.
        _ = index.apply(Fixture.contributions("e1", pairs: [("tent", "lamp3", 3), ("tent", "lamp1", 1), ("lamp1", "lamp2", 5)])) { _ in true }
        let situation = Situation(items: [.init(product: "tent", weight: 4), .init(product: "lamp1", weight: 1)])
        let ranked = Fixture.score(index, Fixture.query(situation, k: 3)).ranked
        #expect(Set(ranked.map(\.product)) == ["lamp1", "lamp2", "lamp3"])
        #expect(ranked.first { $0.product == "lamp3" }?.becauseOf == "tent")
        #expect(ranked.first { $0.product == "lamp2" }?.becauseOf == "lamp1")
        #expect(ranked.allSatisfy { $0.signals.collaborative > 0 })
        // A second query on the same scratch starts clean.
        var scratch = ScoringScratch()
        _ = index.score(Fixture.query(situation, k: 3), scratch: &scratch)
        let plain = index.score(Fixture.query(k: 6), scratch: &scratch).ranked
        #expect(plain.allSatisfy { $0.signals.collaborative == 0 && $0.becauseOf == nil })
    }

    @Test func theSameProductScoresTheSameInEveryPartition() {
        let shared = Fixture.product("shared", ["Shoes", "Running"])
        var small = Fixture.index([shared, Fixture.product("x")])
        var large = Fixture.index([shared] + Self.all + (1...20).map { Fixture.product("p\($0)", ["Home", "Lamps"]) })
        let event = Fixture.contributions("e1", at: Fixture.now - Fixture.hour, interactions: [("shared", 3), ("x", 50)], pairs: [("seed", "shared", 2)])
        _ = small.apply(event) { _ in true }
        _ = large.apply(event) { _ in true }
        _ = large.apply(Fixture.contributions("e2", interactions: [("p1", 80)], pairs: [("seed", "p1", 9)])) { _ in true }
        var situation = Self.runningFan
        situation.items = [.init(product: "seed", weight: 2)]
        let query = Fixture.query(situation, k: 30, mix: true)
        let a = Fixture.score(small, query).ranked.first { $0.product == "shared" }
        let b = Fixture.score(large, query).ranked.first { $0.product == "shared" }
        #expect(a != nil)
        #expect(a?.score == b?.score)
        #expect(a?.signals == b?.signals)
    }

    @Test func theMarginStrategyPrefersHighMarginProducts() {
        let index = Fixture.index([
            Fixture.product("thin", price: 100, cost: 95), Fixture.product("fat", price: 100, cost: 40),
        ])
        let conversion = Fixture.score(index, Fixture.query(k: 2)).ranked
        #expect(conversion[0].score == conversion[1].score)
        let margin = Fixture.score(index, Fixture.query(weights: ScoringWeights.defaults(for: .homeForYou, strategy: .margin), k: 2)).ranked
        #expect(margin.map(\.product) == ["fat", "thin"])
        #expect(margin[0].signals.margin > 0)
    }

    @Test func theStockStrategyPrefersOverstockedProducts() {
        var index = Fixture.index([Fixture.product("scarce"), Fixture.product("heap")], stock: nil)
        _ = index.setStock(StockLevel(product: "scarce", quantity: 12, version: 1))
        _ = index.setStock(StockLevel(product: "heap", quantity: 400, version: 1))
        let conversion = Fixture.score(index, Fixture.query(k: 2)).ranked
        #expect(abs(conversion[0].score - conversion[1].score) < 0.01)
        let stock = Fixture.score(index, Fixture.query(weights: ScoringWeights.defaults(for: .homeForYou, strategy: .stock), k: 2)).ranked
        #expect(stock.map(\.product) == ["heap", "scarce"])
        #expect(stock[0].signals.stockPressure > stock[1].signals.stockPressure)
    }

    @Test func theQueryMatchLeadsASearchRerank() {
        let index = Fixture.index([
            Fixture.product("a", title: "Trail runner GTX"), Fixture.product("b", title: "Road racer"),
            Fixture.product("c", ["Home", "Lamps"], title: "Trail lamp"),
        ])
        let situation = Situation(queryTerms: ["trail", "runner"], candidates: ["a", "b", "c"])
        let ranked = Fixture.score(index, Fixture.query(situation, weights: ScoringWeights.defaults(for: .searchRerank, strategy: .conversion), placement: .searchRerank)).ranked
        #expect(ranked.map(\.product) == ["a", "c", "b"])
    }

    @Test func theMixAddsTrendingAndDiscoveryLists() {
        var index = Fixture.index(Self.all)
        // lamp1: steady demand for weeks; lamp2: a burst this hour.
        for day in 1...28 {
            _ = index.apply(Fixture.contributions("d\(day)", at: Fixture.now - Int64(day) * Fixture.day, interactions: [("lamp1", 2)])) { _ in true }
        }
        _ = index.apply(Fixture.contributions("burst", at: Fixture.now - Fixture.hour, interactions: [("lamp2", 10)])) { _ in true }
        let withMix = Fixture.score(index, Fixture.query(Self.runningFan, k: 3, mix: true))
        #expect(withMix.trending.first?.product == "lamp2")
        #expect(!withMix.trending.contains { $0.product == "lamp1" })
        #expect(!withMix.discovery.isEmpty)
        #expect(withMix.discovery.allSatisfy { $0.category == "Home > Lamps" })
        let without = Fixture.score(index, Fixture.query(Self.runningFan, k: 3))
        #expect(without.trending.isEmpty && without.discovery.isEmpty)
    }

    @Test func kBoundsTheAnswer() {
        let many = (0..<50).map { Fixture.product("p\($0)", price: Double(10 + $0)) }
        let situation = Situation(typicalPrice: 30)
        let ranked = Fixture.score(Fixture.index(many), Fixture.query(situation, k: 5)).ranked
        #expect(ranked.map(\.product) == ["p20", "p21", "p19", "p22", "p18"])
    }
}
