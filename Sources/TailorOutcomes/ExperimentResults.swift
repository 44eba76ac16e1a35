/// An experiment's results from its cells: per variant the metrics with intervals and
/// the probability to be best on the objective, and the sample ratio check.
package struct ExperimentResults: Sendable, Hashable, Encodable {
    package struct VariantResult: Sendable, Hashable, Encodable {
        package var name: String
        /// The share of traffic the allocation gives it now: the configured share, or a
        /// bandit's current allocation averaged over contexts by their impressions.
        package var allocated: Double
        /// Its share of the experiment's impressions so far.
        package var observedShare: Double?
        /// Shoppers shown it so far.
        package var shoppers: Int64
        package var metrics: OutcomeMetrics
        /// The objective per impression (per 1,000 impressions for revenue and margin).
        package var objective: Estimate
        /// The posterior probability that this variant is the best on the objective.
        package var probabilityToBeBest: Double
    }

    package struct SampleRatio: Sendable, Hashable, Encodable {
        package var expectedShares: [Double]
        /// Shoppers shown each variant: assignment is per shopper, so shoppers (not their
        /// impressions, which repeat visits make dependent) are the trials.
        package var observed: [Int64]
        package var chiSquare: Double
        package var pValue: Double
        /// True when the split is not what was configured (p < 0.001): broken traffic
        /// (a cache, a redirect, a bot, a storefront that drops one variant's impressions).
        package var mismatch: Bool
    }

    package var objective: Objective
    package var variants: [VariantResult]
    /// Fixed allocation only (a bandit's split moves on purpose): nil before any impression.
    package var sampleRatio: SampleRatio?
    /// Per context value (`""` without a context fact), per variant: the bandit's current shares.
    package var allocation: [String: [String: Double]]

    /// `cells` are the experiment's own (any days, contexts); `shoppers` the shoppers shown
    /// each variant (by name); `shares` the current allocation per context.
    package init(definition: ExperimentDefinition, cells: OutcomeCells, shoppers: [String: Int64], shares: [String: [Double]], seed: UInt64) {
        objective = definition.objective
        var byVariant: [String: CellCounts] = [:]
        var impressionsByContext: [String: Int64] = [:]
        for (key, counts) in cells {
            byVariant[key.variant, default: CellCounts()].add(counts)
            impressionsByContext[key.context, default: 0] += counts.impressions
        }
        let counts = definition.variants.map { byVariant[$0.name] ?? CellCounts() }
        let total = counts.reduce(Int64(0)) { $0 + $1.impressions }
        let best = ThompsonAllocation.probabilityToBeBest(
            objective: definition.objective, arms: counts.map { ArmStatistics($0, objective: definition.objective) }, seed: seed
        )
        // The current allocation, weighed by where the impressions were.
        var allocated = Array(repeating: 0.0, count: definition.variants.count)
        let contextTotal = shares.keys.reduce(Int64(0)) { $0 + (impressionsByContext[$1] ?? 0) }
        for (context, contextShares) in shares where contextShares.count == allocated.count {
            let weight = contextTotal > 0 ? Double(impressionsByContext[context] ?? 0) / Double(contextTotal) : 1 / Double(shares.count)
            for index in allocated.indices { allocated[index] += weight * contextShares[index] }
        }
        if shares.isEmpty { allocated = definition.variants.map { $0.share ?? 1 / Double(definition.variants.count) } }
        variants = definition.variants.indices.map { index in
            VariantResult(
                name: definition.variants[index].name, allocated: allocated[index],
                observedShare: total > 0 ? Double(counts[index].impressions) / Double(total) : nil,
                shoppers: shoppers[definition.variants[index].name] ?? 0,
                metrics: OutcomeMetrics(counts[index]), objective: OutcomeMetrics.objective(definition.objective, of: counts[index]),
                probabilityToBeBest: best[index]
            )
        }
        if definition.allocation == .fixed {
            let expected = definition.variants.map { $0.share ?? 0 }
            let observed = definition.variants.map { shoppers[$0.name] ?? 0 }
            sampleRatio = TailorOutcomes.SampleRatio.check(observed: observed.map(Double.init), expectedShares: expected).map {
                // Traffic where a share of 0 was configured makes chi-square infinite: the
                // largest finite number says so in JSON (which has no infinity).
                SampleRatio(
                    expectedShares: expected, observed: observed, chiSquare: min($0.chiSquare, .greatestFiniteMagnitude),
                    pValue: $0.pValue, mismatch: $0.mismatch
                )
            }
        }
        allocation = shares.mapValues { contextShares in
            Dictionary(uniqueKeysWithValues: zip(definition.variants.map(\.name), contextShares))
        }
    }
}
