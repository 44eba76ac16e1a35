import Foundation

/// Where a recommendation's outcomes are counted: the UTC day it was made, its
/// placement, and the experiment, variant and context value it was made under
/// (empty strings when none). Every outcome of a recommendation (its impression, the
/// clicks and carts on its items, the purchases attributed to it) counts in the cell
/// of the recommendation, so a click the next day still counts for the day the
/// recommendation was shown (cohort counting: the numbers of a day only grow while
/// its recommendations can still earn attributions).
package struct CellKey: Sendable, Hashable, Comparable {
    /// Days since 1970-01-01 (UTC).
    package var day: Int32
    package var placement: String
    package var experiment: String
    package var variant: String
    package var context: String

    package init(day: Int32, placement: String, experiment: String = "", variant: String = "", context: String = "") {
        self.day = day
        self.placement = placement
        self.experiment = experiment
        self.variant = variant
        self.context = context
    }

    package static func < (a: CellKey, b: CellKey) -> Bool {
        (a.day, a.placement, a.experiment, a.variant, a.context) < (b.day, b.placement, b.experiment, b.variant, b.context)
    }

    /// A day as reports spell it, `YYYY-MM-DD` (UTC).
    package static func text(ofDay day: Int32) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: Double(day) * 86_400))
    }

    package static func day(ofMillis millis: Int64) -> Int32 {
        Int32(clamping: millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000)
    }
}

/// Sums of one objective's per-impression reward `r`, and of the same reward weighted
/// by `w = 1 / p`, the inverse of the probability the logging policy gave the variant
/// shown (for counterfactual estimates, ``Counterfactual``).
package struct RewardSums: Sendable, Hashable {
    /// Σ r
    package var sum: Double = 0
    /// Σ r²
    package var sumSquares: Double = 0
    /// Σ w·r
    package var weighted: Double = 0
    /// Σ w²·r
    package var weightedSquaredWeight: Double = 0
    /// Σ w²·r²
    package var weightedSquares: Double = 0

    package init(sum: Double = 0, sumSquares: Double = 0, weighted: Double = 0, weightedSquaredWeight: Double = 0, weightedSquares: Double = 0) {
        self.sum = sum
        self.sumSquares = sumSquares
        self.weighted = weighted
        self.weightedSquaredWeight = weightedSquaredWeight
        self.weightedSquares = weightedSquares
    }

    package mutating func add(_ other: RewardSums) {
        sum += other.sum
        sumSquares += other.sumSquares
        weighted += other.weighted
        weightedSquaredWeight += other.weightedSquaredWeight
        weightedSquares += other.weightedSquares
    }

    /// Adds one impression's reward `r` shown with weight `w`.
    package mutating func add(reward r: Double, weight w: Double) {
        sum += r
        sumSquares += r * r
        weighted += w * r
        weightedSquaredWeight += w * w * r
        weightedSquares += w * w * r * r
    }
}

/// What the recommendations of one cell earned.
///
/// The event counts (`impressions` … `margin`) are what reports show. The
/// per-impression sums (`trials`, `weights`, `rewards`) are over the recommendations
/// that had an impression only: they are the trials of bandits, experiment results
/// and counterfactual estimates.
package struct CellCounts: Sendable, Hashable {
    /// Recommendations shown (one however many impression events and items it had).
    package var impressions: Int64 = 0
    /// Click events on the cell's recommendations.
    package var clicks: Int64 = 0
    /// Add-to-cart events on the cell's recommendations.
    package var addToCarts: Int64 = 0
    /// Purchase events attributed to the cell's recommendations.
    package var purchases: Int64 = 0
    /// Revenue of those purchases.
    package var revenue: Double = 0
    /// Margin of those purchases (0 for a product without a cost).
    package var margin: Double = 0
    /// Σ w = Σ 1/p over the recommendations shown.
    package var weights: Double = 0
    /// Σ w².
    package var weightSquares: Double = 0
    /// Per objective (``Objective/index``): sums of the per-impression reward.
    package var rewards: [RewardSums] = Array(repeating: RewardSums(), count: Objective.allCases.count)

    package init() {}

    package var isEmpty: Bool { self == CellCounts() }

    package subscript(objective: Objective) -> RewardSums {
        get { rewards[objective.index] }
        set { rewards[objective.index] = newValue }
    }

    package mutating func add(_ other: CellCounts) {
        impressions += other.impressions
        clicks += other.clicks
        addToCarts += other.addToCarts
        purchases += other.purchases
        revenue += other.revenue
        margin += other.margin
        weights += other.weights
        weightSquares += other.weightSquares
        for index in rewards.indices { rewards[index].add(other.rewards[index]) }
    }
}

/// Cells keyed, added cell by cell.
package typealias OutcomeCells = [CellKey: CellCounts]

extension Dictionary where Key == CellKey, Value == CellCounts {
    package mutating func add(_ other: OutcomeCells) {
        for (key, counts) in other { self[key, default: CellCounts()].add(counts) }
    }
}
