/// What Thompson sampling believes about an arm's mean reward per impression, and
/// draws from it.
///
/// Binary objectives (clicks, conversions) use the conjugate Beta–Bernoulli posterior
/// under a uniform prior: Beta(1 + s, 1 + n − s).
///
/// Amounts (revenue, margin) use a Normal posterior on the mean reward per impression,
/// N(x̄, s² / n), from the arm's Σr, Σr² and n. The sums cannot separate "how often an
/// impression converts" from "how much a converting impression earns" (Σr² mixes both),
/// so a conversion-rate × order-value model is not available; the mean of n independent
/// per-impression rewards is, by the central limit theorem, close to normal once n is in
/// the hundreds, which the warm-up gives every arm before the split adapts. A weak prior
/// of ``amountPriorWeight`` pseudo-impressions carrying the mean and second moment of
/// the `pool` (all arms of the experiment, when the allocation draws) is added to the
/// arm's sums: an arm with few impressions is as wide as a handful of the experiment's
/// typical impressions, and an arm that has earned nothing yet still has the spread of
/// the experiment's rewards rather than a variance of 0 that would rule it out for good.
/// The variance of one reward is never below a tiny floor, so arms with no reward
/// anywhere draw symmetric noise and split the traffic evenly rather than by index.
///
/// Heavy tails: revenue is zero-inflated and right-skewed (most impressions earn
/// nothing, a few earn one large order). With few conversions the normal posterior
/// understates the chance that an arm is better than it looks, and one very large order
/// moves an arm's mean and widens it at once. Thompson sampling then explores that arm
/// more, which corrects itself as impressions accumulate; the exploration floor keeps
/// every arm observed meanwhile. Shops with extreme order values should prefer
/// `conversions`, or a longer warm-up.
package enum Posterior {
    /// Pseudo-impressions of the prior for amount objectives: weak next to the default
    /// warm-up of 100 impressions, negligible once an arm has thousands.
    package static let amountPriorWeight = 10.0

    /// One draw of the arm's mean reward per impression.
    /// Binary objectives: Beta(1 + s, 1 + n − s) (s clamped to [0, n]).
    /// Amounts (revenue, margin): the normal posterior described on ``Posterior``, with
    /// the arm as its own pool (an arm alone has nothing else to borrow a scale from).
    package static func draw(objective: Objective, arm: ArmStatistics, using g: inout some RandomNumberGenerator) -> Double {
        ArmPosterior(objective: objective, arm: arm, pool: arm).draw(using: &g)
    }

    /// One draw of the arm's mean reward per impression, with the amount prior taken
    /// from `pool` (the experiment's arms together); `pool` is unused for binary objectives.
    package static func draw(
        objective: Objective, arm: ArmStatistics, pool: ArmStatistics, using g: inout some RandomNumberGenerator
    ) -> Double {
        ArmPosterior(objective: objective, arm: arm, pool: pool).draw(using: &g)
    }
}

/// An arm's posterior with its parameters worked out once, for the thousands of draws
/// of ``ThompsonAllocation``.
enum ArmPosterior {
    case beta(Double, Double)
    case normal(mean: Double, standardDeviation: Double)

    init(objective: Objective, arm: ArmStatistics, pool: ArmStatistics) {
        let n = arm.sanitizedTrials
        if objective.isBinary {
            let successes = min(max(arm.sum.isFinite ? arm.sum : 0, 0), n)
            self = .beta(1 + successes, 1 + n - successes)
            return
        }
        let poolTrials = pool.sanitizedTrials
        let priorMean = poolTrials > 0 && pool.sum.isFinite ? pool.sum / poolTrials : 0
        let priorSecondMoment = poolTrials > 0 && pool.sumSquares.isFinite ? max(0, pool.sumSquares) / poolTrials : 0
        let priorWeight = Posterior.amountPriorWeight
        let weight = n + priorWeight
        let sum = arm.sum.isFinite ? arm.sum : 0
        let sumSquares = arm.sumSquares.isFinite ? max(0, arm.sumSquares) : 0
        let mean = (sum + priorWeight * priorMean) / weight
        let secondMoment = (sumSquares + priorWeight * priorSecondMoment) / weight
        let floor = max(1e-12, 1e-9 * priorSecondMoment)
        let rewardVariance = max(secondMoment - mean * mean, floor)
        self = .normal(mean: mean, standardDeviation: (rewardVariance / weight).squareRoot())
    }

    func draw(using g: inout some RandomNumberGenerator) -> Double {
        switch self {
        case .beta(let a, let b): Distributions.beta(a, b, using: &g)
        case .normal(let mean, let standardDeviation): mean + standardDeviation * Distributions.normal(using: &g)
        }
    }
}
