import TailorDemo
import TailorJourneys
import TailorModel

/// How well `churn_risk` ranks the demo's repeat buyers who stopped buying above
/// those who did not, against recency alone (days since the last order), at the
/// evaluation's clock.
///
/// The shop's distribution is built from every purchaser the shop has: the demo's
/// shoppers and the repeat buyers, as a node builds it from all its shoppers. The
/// repeat buyers with an order are split by index: even ones are the validation
/// half (where the weights were chosen, ``search(weights:)``), odd ones the test
/// half the reported AUC comes from.
package struct ChurnEvaluation {
    package enum Split: String, CaseIterable, Sendable {
        case validation
        case test

        /// Even-numbered repeat buyers validate, odd-numbered ones test.
        package func contains(_ index: Int) -> Bool { (index % 2 == 0) == (self == .validation) }
    }

    /// A repeat buyer as the evaluation sees them: what a shop knows and the truth.
    package struct Buyer: Sendable {
        package var index: Int
        package var summary: PurchaseSummary
        package var churned: Bool
    }

    package struct Result: Sendable {
        package var split: Split
        package var churners: Int
        package var stayers: Int
        package var churnRiskAUC: Double
        package var recencyAUC: Double
        package var weights: ChurnRisk.Weights
    }

    package let nowMillis: Int64
    package let distribution: ChurnDistribution
    package let buyers: [Buyer]

    /// Generates the demo shop's shoppers and repeat buyers ending at `nowMillis`.
    /// With `shopShoppers` false only the repeat buyers form the distribution (quick checks).
    package init(configuration: DemoShop.Configuration, nowMillis: Int64, shopShoppers: Bool = true) {
        let shop = DemoShop(configuration: configuration)
        var summaries: [PurchaseSummary] = []
        if shopShoppers {
            shop.forEachShopper(endingAtMillis: nowMillis) { _, events in summaries.append(Self.summary(events)) }
        }
        var buyers: [Buyer] = []
        shop.forEachRepeatBuyer(endingAtMillis: nowMillis) { buyer in
            let summary = Self.summary(buyer.events)
            summaries.append(summary)
            if summary.orders > 0 { buyers.append(Buyer(index: buyer.index, summary: summary, churned: buyer.churned)) }
        }
        self.init(buyers: buyers, distribution: ChurnDistribution(summaries: summaries, nowMillis: nowMillis), nowMillis: nowMillis)
    }

    package init(buyers: [Buyer], distribution: ChurnDistribution, nowMillis: Int64) {
        self.buyers = buyers
        self.distribution = distribution
        self.nowMillis = nowMillis
    }

    /// Both AUCs on one split, with `weights`.
    package func run(split: Split, weights: ChurnRisk.Weights = .standard) -> Result {
        let chosen = buyers.filter { split.contains($0.index) }
        let labels = chosen.map(\.churned)
        let risk = chosen.map { ChurnRisk.score($0.summary, in: distribution, nowMillis: nowMillis, weights: weights) }
        let recency = chosen.map { ChurnRisk.daysSinceLast($0.summary, nowMillis: nowMillis) }
        return Result(
            split: split, churners: labels.count { $0 }, stayers: labels.count { !$0 },
            churnRiskAUC: Self.auc(scores: risk, positives: labels), recencyAUC: Self.auc(scores: recency, positives: labels),
            weights: weights
        )
    }

    /// The weights with the best churn-risk AUC on the validation split among `candidates`
    /// (ties: the first), with that AUC.
    package func search(weights candidates: [ChurnRisk.Weights] = Self.grid) -> (weights: ChurnRisk.Weights, auc: Double) {
        var best = (weights: ChurnRisk.Weights.standard, auc: -1.0)
        for weights in candidates {
            let auc = run(split: .validation, weights: weights).churnRiskAUC
            if auc > best.auc { best = (weights, auc) }
        }
        return best
    }

    /// Weights in steps of 0.1 summing to 1, with 0, 1 or 3 phantom intervals.
    package static var grid: [ChurnRisk.Weights] {
        var grid: [ChurnRisk.Weights] = []
        for prior in [0.0, 1, 3] {
            for gap in 0...10 {
                for recency in 0...(10 - gap) {
                    for frequency in 0...(10 - gap - recency) {
                        let monetary = 10 - gap - recency - frequency
                        grid.append(ChurnRisk.Weights(
                            gap: Double(gap) / 10, recency: Double(recency) / 10, frequency: Double(frequency) / 10,
                            monetary: Double(monetary) / 10, priorIntervals: prior
                        ))
                    }
                }
            }
        }
        return grid
    }

    static func summary(_ events: [StoredEvent]) -> PurchaseSummary {
        var summary = PurchaseSummary()
        for event in events { summary.add(event) }
        return summary
    }
}
