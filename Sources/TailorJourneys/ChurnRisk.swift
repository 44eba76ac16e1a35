import TailorModel

/// The `churn_risk` fact: 0 to 1, how likely a shopper who bought has stopped buying.
///
/// Recency alone treats every shopper alike, but three silent weeks mean little for
/// someone who orders twice a year and a lot for someone who orders every five days.
/// So the main term is the silence measured in the shopper's own purchase intervals,
/// and the rest place the shopper in the shop's own distribution (RFM):
///
///     score = w_gap · r²/(1 + r²) + w_R · P_R + w_F · (1 − P_F) + w_M · (1 − P_M)
///
/// - r = days since the last order / usual interval. The usual interval is the mean
///   interval shrunk toward the shop's median interval M by `priorIntervals` phantom
///   intervals: ((n − 1)·mean + k·M) / (n − 1 + k) for n orders, so M itself for one
///   order. r²/(1 + r²) is 0.5 at the usual interval, 0.8 at twice it, 0.9 at three times.
/// - P_R, P_F, P_M: the shopper's percentiles in the shop's ``ChurnDistribution`` of
///   days since the last order, orders and money spent (fewer orders and less spent
///   are riskier).
///
/// The weights sum to 1, so the score is in [0, 1]. They were chosen on the demo's
/// validation half of simulated repeat buyers (`tailor eval --demo --churn --churn-search`), never
/// on the test half the reported AUC comes from (docs/quality.md, "Churn risk").
package enum ChurnRisk {
    /// How the terms are weighed.
    package struct Weights: Sendable, Hashable {
        package var gap: Double
        package var recency: Double
        package var frequency: Double
        package var monetary: Double
        /// Phantom intervals of the shop's median added to a shopper's own (k above).
        package var priorIntervals: Double

        package init(gap: Double, recency: Double, frequency: Double, monetary: Double, priorIntervals: Double) {
            self.gap = gap
            self.recency = recency
            self.frequency = frequency
            self.monetary = monetary
            self.priorIntervals = priorIntervals
        }

        /// The best of ``ChurnEvaluation``'s grid on the demo's validation half. Frequency
        /// and money earned no weight there: the demo's buyers stop whatever they spend,
        /// and a rare buyer's few orders are already read through their long interval.
        /// No shrinkage either: the shop's median interval (short, most of its buyers
        /// being recent) pulled long intervals too far.
        package static let standard = Weights(gap: 0.6, recency: 0.4, frequency: 0, monetary: 0, priorIntervals: 0)
    }

    /// The shopper's churn risk at `nowMillis`, 0 for a shopper who never bought.
    package static func score(_ summary: PurchaseSummary, in distribution: ChurnDistribution, nowMillis: Int64) -> Double {
        score(summary, in: distribution, nowMillis: nowMillis, weights: .standard)
    }

    /// The score with other weights (the evaluation's search).
    package static func score(
        _ summary: PurchaseSummary, in distribution: ChurnDistribution, nowMillis: Int64, weights: Weights
    ) -> Double {
        guard summary.orders > 0 else { return 0 }
        let days = daysSinceLast(summary, nowMillis: nowMillis)
        let ratio = days / usualIntervalDays(summary, in: distribution, priorIntervals: weights.priorIntervals)
        let gap = ratio * ratio / (1 + ratio * ratio)
        let total = weights.gap + weights.recency + weights.frequency + weights.monetary
        guard total > 0 else { return 0 }
        let weighted = weights.gap * gap
            + weights.recency * distribution.recencyPercentile(days: days)
            + weights.frequency * (1 - distribution.frequencyPercentile(orders: summary.orders))
            + weights.monetary * (1 - distribution.monetaryPercentile(value: summary.value))
        return min(1, max(0, weighted / total))
    }

    /// The interval the shopper's silence is measured in (see the type's comment), at least an hour.
    package static func usualIntervalDays(_ summary: PurchaseSummary, in distribution: ChurnDistribution, priorIntervals: Double) -> Double {
        let median = distribution.medianIntervalDays
        guard let mean = summary.meanIntervalDays else { return median }
        let own = Double(summary.orders - 1)
        let shrunk = (own * mean + priorIntervals * median) / (own + priorIntervals)
        return max(1.0 / 24, shrunk)
    }

    /// Days from the last order to `nowMillis` (0 if the order is in the future).
    package static func daysSinceLast(_ summary: PurchaseSummary, nowMillis: Int64) -> Double {
        Double(max(0, nowMillis - summary.lastMillis)) / 86_400_000
    }
}
