import TailorOutcomes

extension WireOutcomeCell {
    package init(_ key: CellKey, _ counts: CellCounts) {
        self.init()
        day = key.day
        placement = key.placement
        experiment = key.experiment
        variant = key.variant
        context = key.context
        impressions = counts.impressions
        clicks = counts.clicks
        addToCarts = counts.addToCarts
        purchases = counts.purchases
        revenue = counts.revenue
        margin = counts.margin
        weights = counts.weights
        weightSquares = counts.weightSquares
        rewards = counts.rewards.map { sums in
            var wire = WireRewardSums()
            wire.sum = sums.sum
            wire.sumSquares = sums.sumSquares
            wire.weighted = sums.weighted
            wire.weightedSquaredWeight = sums.weightedSquaredWeight
            wire.weightedSquares = sums.weightedSquares
            return wire
        }
    }

    package var key: CellKey {
        CellKey(day: day, placement: placement, experiment: experiment, variant: variant, context: context)
    }

    package var counts: CellCounts {
        var counts = CellCounts()
        counts.impressions = impressions
        counts.clicks = clicks
        counts.addToCarts = addToCarts
        counts.purchases = purchases
        counts.revenue = revenue
        counts.margin = margin
        counts.weights = weights
        counts.weightSquares = weightSquares
        for (index, wire) in rewards.prefix(Objective.allCases.count).enumerated() {
            counts.rewards[index] = RewardSums(
                sum: wire.sum, sumSquares: wire.sumSquares, weighted: wire.weighted,
                weightedSquaredWeight: wire.weightedSquaredWeight, weightedSquares: wire.weightedSquares
            )
        }
        return counts
    }
}
