import TailorModel
import TailorScoring
import Testing

/// A shopper reads the reason: availability alone is not one when something
/// better is known.
@Suite("Reasons when availability leads")
struct ReasonFallbackTests {
    private func candidate(_ signals: Signals) -> ScoredCandidate {
        ScoredCandidate(
            product: "p1", title: "Trail Runner", category: "Sports > Running > Shoes", brand: "Acme", price: 90,
            stock: 12, score: signals.total, signals: signals
        )
    }

    @Test("popularity is named instead of stock when a new shopper gets popular products")
    func popularityOverStock() {
        let reason = ReasonWriter.sentence(
            for: candidate(Signals(popularity: 0.03, inventory: 0.1)), placement: .homeForYou, strategy: .conversion,
            becauseOfTitle: nil
        )
        #expect(reason == "Popular in Sports > Running > Shoes")
    }

    @Test("with nothing else known, availability is the reason")
    func stockAlone() {
        let reason = ReasonWriter.sentence(
            for: candidate(Signals(inventory: 0.1)), placement: .homeForYou, strategy: .conversion, becauseOfTitle: nil
        )
        #expect(reason == "In stock now in Sports > Running > Shoes")
    }
}
