/// A rate or an amount with its 95 % interval (the interval is absent while too few
/// impressions support one; the value is absent without impressions).
package struct Estimate: Sendable, Hashable, Encodable {
    package var value: Double?
    package var low: Double?
    package var high: Double?

    package init(value: Double?, interval: Interval?) {
        self.value = value
        low = interval?.low
        high = interval?.high
    }

    package func scaled(by factor: Double) -> Estimate {
        Estimate(value: value.map { $0 * factor }, interval: low.flatMap { low in high.map { Interval(low: low * factor, high: $0 * factor) } })
    }
}

/// What a report row or an experiment's variant shows: the counts of its cells, and
/// the rates per recommendation shown with 95 % intervals.
///
/// - `ctr`: the share of recommendations shown with at least one click (Wilson interval);
/// - `conversionRate`: the share of recommendations shown with an attributed purchase (Wilson);
/// - `revenuePerMille`, `marginPerMille`: attributed revenue and margin per 1,000
///   recommendations shown (normal interval of the mean per impression).
///
/// The rates count only recommendations that had an impression event; `clicks`,
/// `purchases`, `revenue` and `margin` count every event tied to the cell's
/// recommendations (a storefront that sends no impressions still sees those).
package struct OutcomeMetrics: Sendable, Hashable, Encodable {
    package var impressions: Int64
    package var clicks: Int64
    package var addToCarts: Int64
    package var purchases: Int64
    package var revenue: Double
    package var margin: Double
    package var ctr: Estimate
    package var conversionRate: Estimate
    package var revenuePerMille: Estimate
    package var marginPerMille: Estimate

    package init(_ counts: CellCounts) {
        impressions = counts.impressions
        clicks = counts.clicks
        addToCarts = counts.addToCarts
        purchases = counts.purchases
        revenue = counts.revenue
        margin = counts.margin
        let shown = Double(counts.impressions)
        ctr = Self.rate(counts[.clicks].sum, shown)
        conversionRate = Self.rate(counts[.conversions].sum, shown)
        revenuePerMille = Self.mean(counts[.revenue], shown, floor: 0).scaled(by: 1000)
        marginPerMille = Self.mean(counts[.margin], shown).scaled(by: 1000)
    }

    /// The estimate of `objective` per impression (per 1,000 for amounts): what an
    /// experiment optimises, read the way its report shows it.
    package static func objective(_ objective: Objective, of counts: CellCounts) -> Estimate {
        let shown = Double(counts.impressions)
        switch objective {
        case .clicks: return rate(counts[.clicks].sum, shown)
        case .conversions: return rate(counts[.conversions].sum, shown)
        case .revenue: return mean(counts[objective], shown, floor: 0).scaled(by: 1000)
        case .margin: return mean(counts[objective], shown).scaled(by: 1000)
        }
    }

    private static func rate(_ successes: Double, _ trials: Double) -> Estimate {
        Estimate(value: trials > 0 ? min(successes, trials) / trials : nil, interval: Intervals.wilson(successes: successes, trials: trials))
    }

    /// `floor`: revenue is never negative, so its interval stops at 0 (margin may be).
    private static func mean(_ sums: RewardSums, _ count: Double, floor: Double = -.infinity) -> Estimate {
        let interval = Intervals.mean(sum: sums.sum, sumSquares: sums.sumSquares, count: count)
        return Estimate(value: count > 0 ? sums.sum / count : nil, interval: interval.map { Interval(low: max(floor, $0.low), high: $0.high) })
    }
}
