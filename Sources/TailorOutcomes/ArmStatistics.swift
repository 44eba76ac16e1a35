/// One arm's per-impression reward sums for one objective.
///
/// What a posterior needs and no more, so allocation can be computed from cells,
/// from a simulation or from a test's numbers alike.
package struct ArmStatistics: Sendable, Hashable {
    /// Impressions (each recommendation shown is one trial).
    package var trials: Double
    /// Σ r
    package var sum: Double
    /// Σ r²
    package var sumSquares: Double

    package init(trials: Double, sum: Double, sumSquares: Double) {
        self.trials = trials
        self.sum = sum
        self.sumSquares = sumSquares
    }

    /// trials = counts.impressions, sums from counts[objective]
    package init(_ counts: CellCounts, objective: Objective) {
        let rewards = counts[objective]
        self.init(trials: Double(counts.impressions), sum: rewards.sum, sumSquares: rewards.sumSquares)
    }

    /// Trials as a usable count: a negative or non-finite value (corrupt input) is 0.
    var sanitizedTrials: Double { trials.isFinite ? max(0, trials) : 0 }

    /// The arms' sums added together.
    static func pooled(_ arms: [ArmStatistics]) -> ArmStatistics {
        var pool = ArmStatistics(trials: 0, sum: 0, sumSquares: 0)
        for arm in arms where arm.sum.isFinite && arm.sumSquares.isFinite {
            pool.trials += arm.sanitizedTrials
            pool.sum += arm.sum
            pool.sumSquares += arm.sumSquares
        }
        return pool
    }
}
