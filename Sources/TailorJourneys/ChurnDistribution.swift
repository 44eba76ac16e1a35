import TailorModel

/// The shop's purchasers at one instant, as churn risk compares a shopper with them:
/// how long since their last order, how many orders, how much they spent, and the
/// shop's median purchase interval.
///
/// A node builds it from the shoppers of its partitions, a uniform sample of the
/// shop (shoppers are placed by hash). Each measure is kept as at most
/// ``quantileCount`` evenly spaced quantiles of the sorted values, so the memory is
/// bounded whatever the shop's size and a percentile is two binary searches.
package struct ChurnDistribution: Sendable, Hashable {
    /// Quantiles kept per measure: the percentile error is at most 1/quantileCount.
    package static let quantileCount = 1_024
    /// Below this many purchasers the shop's percentiles say little: every percentile
    /// reads as the middle (0.5), so only the silence gap moves the score.
    package static let minimumPurchasers = 30
    /// Below this many repeat purchasers the shop's median interval is this many
    /// days instead (a month: a common reorder cycle for a general store).
    package static let minimumRepeatPurchasers = 10
    package static let fallbackIntervalDays = 30.0

    /// A shop with no purchaser yet: neutral percentiles and the fallback interval.
    package static let empty = ChurnDistribution(recencyDays: [], orders: [], values: [], intervals: [])

    /// Days since the last order, orders and money spent, each sorted and thinned to quantiles.
    let recencyDays: [Double]
    let orders: [Double]
    let values: [Double]
    /// The median of the repeat purchasers' mean intervals, or ``fallbackIntervalDays``.
    package let medianIntervalDays: Double
    /// How many purchasers the distribution was built from.
    package let purchasers: Int

    /// The distribution of every summary with at least one order, at `nowMillis`.
    package init(summaries: some Sequence<PurchaseSummary>, nowMillis: Int64) {
        var recency: [Double] = []
        var orders: [Double] = []
        var values: [Double] = []
        var intervals: [Double] = []
        for summary in summaries where summary.orders > 0 {
            recency.append(ChurnRisk.daysSinceLast(summary, nowMillis: nowMillis))
            orders.append(Double(summary.orders))
            values.append(summary.value)
            if let interval = summary.meanIntervalDays { intervals.append(interval) }
        }
        self.init(recencyDays: recency, orders: orders, values: values, intervals: intervals)
    }

    private init(recencyDays: [Double], orders: [Double], values: [Double], intervals: [Double]) {
        purchasers = recencyDays.count
        self.recencyDays = Self.quantiles(recencyDays)
        self.orders = Self.quantiles(orders)
        self.values = Self.quantiles(values)
        let sortedIntervals = intervals.sorted()
        medianIntervalDays = sortedIntervals.count < Self.minimumRepeatPurchasers
            ? Self.fallbackIntervalDays : max(1.0 / 24, sortedIntervals[sortedIntervals.count / 2])
    }

    /// The share of purchasers with a smaller time since their last order (ties count half).
    package func recencyPercentile(days: Double) -> Double { percentile(days, in: recencyDays) }
    /// The share of purchasers with fewer orders (ties count half).
    package func frequencyPercentile(orders: Int) -> Double { percentile(Double(orders), in: self.orders) }
    /// The share of purchasers who spent less (ties count half).
    package func monetaryPercentile(value: Double) -> Double { percentile(value, in: values) }

    private func percentile(_ value: Double, in sorted: [Double]) -> Double {
        guard purchasers >= Self.minimumPurchasers, !sorted.isEmpty else { return 0.5 }
        let below = Self.firstIndex(in: sorted) { $0 >= value }
        let notAbove = Self.firstIndex(in: sorted) { $0 > value }
        return (Double(below) + Double(notAbove - below) / 2) / Double(sorted.count)
    }

    /// The first index whose element satisfies `isAtOrPast` (a predicate false then true along `sorted`).
    private static func firstIndex(in sorted: [Double], where isAtOrPast: (Double) -> Bool) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrPast(sorted[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// `values` sorted, or for more than ``quantileCount`` of them that many evenly
    /// spaced order statistics (the (i + ½)/m quantiles), which keep each value's
    /// percentile within 1/m.
    private static func quantiles(_ values: [Double]) -> [Double] {
        let sorted = values.sorted()
        guard sorted.count > quantileCount else { return sorted }
        return (0..<quantileCount).map { index in
            sorted[min(sorted.count - 1, Int((Double(index) + 0.5) / Double(quantileCount) * Double(sorted.count)))]
        }
    }
}
