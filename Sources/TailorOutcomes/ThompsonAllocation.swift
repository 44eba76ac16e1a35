/// How a bandit experiment splits its traffic: Thompson sampling, computed as
/// shares rather than one draw per request, so every gateway serving the experiment
/// can compute the same split from the same counts and seed, and assignment stays a
/// pure function of the shopper (``Assignment``).
package enum ThompsonAllocation {
    /// The share of traffic each arm gets now: equal shares while any arm has fewer than `warmUp` trials;
    /// otherwise each arm's probability of being best (``probabilityToBeBest``), then every arm raised to at
    /// least `floor` and the rest scaled so the shares sum to 1 (floor ≤ 1/arms). Deterministic for a given
    /// seed and inputs (two gateways with the same counts compute the same shares).
    ///
    /// A floor outside [0, 1/arms] is clamped into it.
    package static func probabilities(
        objective: Objective, arms: [ArmStatistics], floor: Double, warmUp: Int, draws: Int = 2_000, seed: UInt64
    ) -> [Double] {
        guard !arms.isEmpty else { return [] }
        let equal = Array(repeating: 1 / Double(arms.count), count: arms.count)
        if arms.contains(where: { $0.sanitizedTrials < Double(warmUp) }) { return equal }
        let best = probabilityToBeBest(objective: objective, arms: arms, draws: draws, seed: seed)
        return raised(best, toAtLeast: floor.isFinite ? min(max(floor, 0), 1 / Double(arms.count)) : 0)
    }

    /// Monte Carlo: the share of `draws` joint posterior draws in which each arm has the highest draw (ties to the lower index).
    ///
    /// Amount objectives draw with the prior pooled over `arms` (``Posterior``). With
    /// no draws asked for (`draws` < 1) the shares are equal.
    package static func probabilityToBeBest(objective: Objective, arms: [ArmStatistics], draws: Int = 2_000, seed: UInt64) -> [Double] {
        guard !arms.isEmpty else { return [] }
        guard draws > 0 else { return Array(repeating: 1 / Double(arms.count), count: arms.count) }
        let pool = ArmStatistics.pooled(arms)
        let posteriors = arms.map { ArmPosterior(objective: objective, arm: $0, pool: pool) }
        var generator = SeededGenerator(seed: seed)
        var wins = Array(repeating: 0, count: arms.count)
        for _ in 0..<draws {
            var bestIndex = 0
            var bestValue = -Double.infinity
            for (index, posterior) in posteriors.enumerated() {
                let value = posterior.draw(using: &generator)
                if value > bestValue {
                    bestValue = value
                    bestIndex = index
                }
            }
            wins[bestIndex] += 1
        }
        return wins.map { Double($0) / Double(draws) }
    }

    /// Raises every share below `floor` to it and scales the others down to make room,
    /// repeating while the scaling pushes another share under the floor.
    static func raised(_ shares: [Double], toAtLeast floor: Double) -> [Double] {
        var atFloor = Array(repeating: false, count: shares.count)
        var result = shares
        while true {
            let floored = atFloor.filter { $0 }.count
            let freeMass = max(0, 1 - floor * Double(floored))
            let freeTotal = shares.indices.reduce(0.0) { atFloor[$1] ? $0 : $0 + shares[$1] }
            let freeCount = shares.count - floored
            for index in shares.indices {
                if atFloor[index] {
                    result[index] = floor
                } else {
                    result[index] = freeTotal > 0 ? shares[index] / freeTotal * freeMass : freeMass / Double(freeCount)
                }
            }
            let newlyBelow = shares.indices.filter { !atFloor[$0] && result[$0] < floor }
            // Every share at the floor means the floor is 1/arms: the split is even.
            if newlyBelow.isEmpty || floored + newlyBelow.count == shares.count {
                if floored + newlyBelow.count == shares.count { return Array(repeating: 1 / Double(shares.count), count: shares.count) }
                return result
            }
            for index in newlyBelow { atFloor[index] = true }
        }
    }
}
