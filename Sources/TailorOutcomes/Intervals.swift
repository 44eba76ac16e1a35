import Foundation

/// A confidence interval, `low` ≤ `high`.
package struct Interval: Sendable, Hashable {
    package var low: Double
    package var high: Double

    package init(low: Double, high: Double) {
        self.low = low
        self.high = high
    }
}

/// The intervals experiment results show next to each variant's rate or mean.
package enum Intervals {
    /// The two-sided 95 % normal quantile.
    package static let z95 = 1.959963984540054

    /// Wilson score interval of a proportion; nil when trials == 0. successes clamped to [0, trials].
    ///
    /// Wilson rather than the normal approximation because conversion rates are small
    /// and early counts low: its interval stays inside [0, 1] and is not empty at 0 successes.
    package static func wilson(successes: Double, trials: Double, z: Double = z95) -> Interval? {
        guard trials > 0, trials.isFinite else { return nil }
        let n = trials
        let p = min(max(successes.isNaN ? 0 : successes, 0), n) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z * max(0, p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        return Interval(low: max(0, center - half), high: min(1, center + half))
    }

    /// Normal-approximation interval of the mean of per-trial values from their sums; nil when count < 2.
    ///
    /// The sample variance comes from Σx² − (Σx)²/n, which rounding can take a hair
    /// below 0 when every value is equal; it is clamped at 0.
    package static func mean(sum: Double, sumSquares: Double, count: Double, z: Double = z95) -> Interval? {
        guard count >= 2, count.isFinite, sum.isFinite, sumSquares.isFinite else { return nil }
        let mean = sum / count
        let variance = max(0, (sumSquares - sum * mean) / (count - 1))
        let half = z * (variance / count).squareRoot()
        return Interval(low: mean - half, high: mean + half)
    }
}
