/// What a policy would have earned, estimated from what the logged policy showed.
package struct CounterfactualEstimate: Sendable, Hashable {
    /// Estimated reward per impression under the target policy.
    package var value: Double
    /// nil with fewer than 2 matched impressions.
    package var interval: Interval?
    /// Logged impressions the target policy would have shown the same variant for (weight > 0).
    package var matchedImpressions: Double
    /// (Σw)² / Σw², the effective sample size of the weighted estimate.
    package var effectiveSampleSize: Double
}

/// Off-policy estimates from the cells' inverse-propensity sums: "what if every shopper
/// had seen variant B", answered from an experiment that showed B to some of them,
/// without running it.
package enum Counterfactual {
    /// Self-normalised inverse propensity scoring (SNIPS): for each cell, `target` is the probability the
    /// target policy gives that cell's variant in that cell's context (constant within a cell: 0 or 1 for a
    /// deterministic policy). Uses the cell's Σw, Σw², Σw·r, Σw²·r, Σw²·r² scaled by target (and target²).
    /// value = Σ π·w·r / Σ π·w; interval from the delta-method variance Σ(π w)²(r − v)² / (Σ π w)²
    /// expanded from the sums. nil when no weight.
    ///
    /// Self-normalised rather than plain IPS because it stays within the range of the
    /// rewards and does not swing with the realised total weight. Cells with a target of
    /// 0 (or not finite) take no part.
    package static func snips(objective: Objective, cells: [(target: Double, counts: CellCounts)]) -> CounterfactualEstimate? {
        var weight = 0.0, weightSquares = 0.0
        var weightedReward = 0.0, squaredWeightReward = 0.0, squaredWeightRewardSquares = 0.0
        var matched = 0.0
        for (target, counts) in cells where target.isFinite && target > 0 {
            let rewards = counts[objective]
            let targetSquared = target * target
            weight += target * counts.weights
            weightSquares += targetSquared * counts.weightSquares
            weightedReward += target * rewards.weighted
            squaredWeightReward += targetSquared * rewards.weightedSquaredWeight
            squaredWeightRewardSquares += targetSquared * rewards.weightedSquares
            matched += Double(counts.impressions)
        }
        guard weight > 0, weight.isFinite else { return nil }
        let value = weightedReward / weight
        // Σ(πw)²(r − v)² = Σ(πw)²r² − 2v Σ(πw)²r + v² Σ(πw)², which rounding can take below 0.
        let spread = max(0, squaredWeightRewardSquares - 2 * value * squaredWeightReward + value * value * weightSquares)
        let half = Intervals.z95 * (spread / (weight * weight)).squareRoot()
        return CounterfactualEstimate(
            value: value,
            interval: matched >= 2 ? Interval(low: value - half, high: value + half) : nil,
            matchedImpressions: matched,
            effectiveSampleSize: weightSquares > 0 ? weight * weight / weightSquares : 0
        )
    }

    /// The logging policy itself (target = the logging probability, so every weight is 1): the observed mean
    /// reward per impression (Σr / impressions) with its normal interval. snips of a fixed-share experiment
    /// with target = each cell's logged share must agree with it.
    package static func logging(objective: Objective, cells: [CellCounts]) -> CounterfactualEstimate? {
        var impressions = 0.0, sum = 0.0, sumSquares = 0.0
        for counts in cells {
            impressions += Double(counts.impressions)
            sum += counts[objective].sum
            sumSquares += counts[objective].sumSquares
        }
        guard impressions > 0 else { return nil }
        return CounterfactualEstimate(
            value: sum / impressions,
            interval: Intervals.mean(sum: sum, sumSquares: sumSquares, count: impressions),
            matchedImpressions: impressions,
            effectiveSampleSize: impressions
        )
    }
}
