import Testing
import TailorModel
@testable import TailorScoring

@Suite struct WeightsAndReasonsTests {
    @Test func theSeedWeightsAreDesignsAndStrategiesAddTheirSignal() {
        let home = ScoringWeights.defaults(for: .homeForYou, strategy: .conversion)
        #expect(home == Signals(collaborative: 0.5, content: 0.2, popularity: 0.1, trending: 0.1, inventory: 0.1))
        let margin = ScoringWeights.defaults(for: .homeForYou, strategy: .margin)
        #expect(margin.margin == 0.3 && margin.stockPressure == 0 && margin.collaborative == 0.5)
        let stock = ScoringWeights.defaults(for: .cartAddons, strategy: .stock)
        #expect(stock.stockPressure == 0.3 && stock.margin == 0)
    }

    @Test(arguments: Placement.allCases)
    func everyPlacementLeansTheWayItShould(placement: Placement) {
        let weights = ScoringWeights.defaults(for: placement, strategy: .conversion)
        switch placement {
        case .productSimilar:
            #expect(weights.content > 0.3 && weights.collaborative > 0.4)
        case .cartAddons, .checkoutOffer, .postOrderEmail:
            #expect(weights.collaborative >= 0.5 && weights.content < 0.3)
        case .searchRerank:
            #expect(weights.content > weights.collaborative && weights.content >= 0.5)
        case .homeForYou:
            #expect(weights.collaborative == 0.5 && weights.content == 0.2)
        }
        #expect(abs(weights.total - 1) < 1e-5)
    }

    @Test func anOverrideReplacesOnlyTheSignalsItNames() {
        let resolved = ScoringWeights.resolve(
            placement: .homeForYou, strategy: .conversion, overrides: SignalWeightOverrides(popularity: 2, margin: 0.5)
        )
        #expect(resolved == Signals(collaborative: 0.5, content: 0.2, popularity: 2, trending: 0.1, inventory: 0.1, margin: 0.5))
        #expect(ScoringWeights.resolve(placement: .homeForYou, strategy: .conversion, overrides: nil) == ScoringWeights.defaults(for: .homeForYou, strategy: .conversion))
    }

    static func candidate(_ signals: Signals, category: String = "Shoes > Running", brand: String = "Acme") -> ScoredCandidate {
        ScoredCandidate(product: "p", title: "P", category: category, brand: brand, price: 10, stock: 3, score: signals.total, signals: signals, becauseOf: "seed")
    }

    @Test func theReasonFollowsTheLargestSignalAndThePlacement() {
        let collaborative = Self.candidate(Signals(collaborative: 0.3, content: 0.1))
        #expect(ReasonWriter.sentence(for: collaborative, placement: .cartAddons, strategy: .conversion, becauseOfTitle: "Trail Runner X") == "Often bought together with Trail Runner X")
        #expect(ReasonWriter.sentence(for: collaborative, placement: .homeForYou, strategy: .conversion, becauseOfTitle: "Trail Runner X") == "Shoppers who viewed Trail Runner X also viewed this")
        let content = Self.candidate(Signals(collaborative: 0.05, content: 0.2))
        #expect(ReasonWriter.sentence(for: content, placement: .homeForYou, strategy: .conversion, becauseOfTitle: nil) == "Matches your interest in Running by Acme")
        #expect(ReasonWriter.sentence(for: content, placement: .productSimilar, strategy: .conversion, becauseOfTitle: "Road Racer") == "Similar to Road Racer")
        let trending = Self.candidate(Signals(popularity: 0.05, trending: 0.09))
        #expect(ReasonWriter.sentence(for: trending, placement: .homeForYou, strategy: .conversion, becauseOfTitle: nil) == "Trending in Shoes > Running right now")
        let popular = Self.candidate(Signals(popularity: 0.09))
        #expect(ReasonWriter.sentence(for: popular, placement: .homeForYou, strategy: .conversion, becauseOfTitle: nil) == "Popular in Shoes > Running")
        let pushed = Self.candidate(Signals(content: 0.05, margin: 0.25))
        #expect(ReasonWriter.sentence(for: pushed, placement: .homeForYou, strategy: .margin, becauseOfTitle: nil) == "Featured by the shop in Shoes > Running")
    }
}
