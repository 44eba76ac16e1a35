import Foundation
import Testing
@testable import TailorOutcomes

@Suite struct ThompsonAllocationTests {
    @Test func probabilityToBeBestSumsToOneAndFindsTheClearWinner() {
        let arms = [
            ArmStatistics(trials: 2_000, sum: 40, sumSquares: 40),
            ArmStatistics(trials: 2_000, sum: 100, sumSquares: 100),
            ArmStatistics(trials: 2_000, sum: 50, sumSquares: 50),
        ]
        let best = ThompsonAllocation.probabilityToBeBest(objective: .conversions, arms: arms, seed: 1)
        #expect(abs(best.reduce(0, +) - 1) < 1e-12)
        #expect(best[1] > 0.95)
    }

    @Test func theSameSeedAndCountsGiveTheSameShares() {
        let arms = [
            ArmStatistics(trials: 500, sum: 14, sumSquares: 14),
            ArmStatistics(trials: 520, sum: 17, sumSquares: 17),
        ]
        let first = ThompsonAllocation.probabilities(objective: .clicks, arms: arms, floor: 0.05, warmUp: 100, seed: 99)
        let second = ThompsonAllocation.probabilities(objective: .clicks, arms: arms, floor: 0.05, warmUp: 100, seed: 99)
        #expect(first == second)
        // Close arms: neither is certain, so the shares are genuinely sampled.
        #expect(first[0] > 0.1 && first[1] > 0.1)
    }

    @Test func equalSharesDuringWarmUp() {
        let arms = [
            ArmStatistics(trials: 5_000, sum: 500, sumSquares: 500),
            ArmStatistics(trials: 99, sum: 0, sumSquares: 0),
            ArmStatistics(trials: 5_000, sum: 100, sumSquares: 100),
        ]
        let shares = ThompsonAllocation.probabilities(objective: .conversions, arms: arms, floor: 0.05, warmUp: 100, seed: 1)
        #expect(shares == Array(repeating: 1.0 / 3.0, count: 3))
    }

    /// A clear winner takes all but the floor; the losers keep exactly the floor.
    @Test func losersKeepTheFloor() {
        let arms = [
            ArmStatistics(trials: 10_000, sum: 100, sumSquares: 100),
            ArmStatistics(trials: 10_000, sum: 600, sumSquares: 600),
            ArmStatistics(trials: 10_000, sum: 120, sumSquares: 120),
        ]
        let shares = ThompsonAllocation.probabilities(objective: .conversions, arms: arms, floor: 0.05, warmUp: 100, seed: 3)
        #expect(abs(shares.reduce(0, +) - 1) < 1e-12)
        #expect(abs(shares[0] - 0.05) < 1e-12 && abs(shares[2] - 0.05) < 1e-12)
        #expect(abs(shares[1] - 0.9) < 1e-12)
    }

    @Test func floorRaisingScalesTheRest() {
        let shares = ThompsonAllocation.raised([0.7, 0.28, 0.02], toAtLeast: 0.1)
        #expect(abs(shares.reduce(0, +) - 1) < 1e-12)
        #expect(abs(shares[2] - 0.1) < 1e-12)
        #expect(abs(shares[0] - 0.7 / 0.98 * 0.9) < 1e-12)
        #expect(ThompsonAllocation.raised([1, 0], toAtLeast: 0.5) == [0.5, 0.5])
    }

    /// Amounts with no reward anywhere yet: no arm is favoured by its index.
    @Test func revenueWithNothingEarnedSplitsEvenly() {
        let arms = Array(repeating: ArmStatistics(trials: 300, sum: 0, sumSquares: 0), count: 3)
        let best = ThompsonAllocation.probabilityToBeBest(objective: .revenue, arms: arms, seed: 5)
        for share in best { #expect(abs(share - 1.0 / 3.0) < 0.05) }
    }

    /// 3 arms converting at 2 %, 3 % and 5 %, 30,000 impressions in rounds of 200,
    /// floor 0.02, warm-up 100.
    @Test func convergesOnTheBestConvertingArm() {
        let run = BanditRun.simulate(objective: .conversions, arms: [
            .init(conversion: 0.02, orderValue: 1), .init(conversion: 0.03, orderValue: 1), .init(conversion: 0.05, orderValue: 1),
        ], impressions: 30_000, seed: 11)
        #expect(run.lastShares[2] >= 0.8)
        // Expected reward: 30,000 × 0.05 = 1,500 if the best arm had always been shown.
        #expect(run.expectedReward >= 0.9 * 30_000 * 0.05)
    }

    /// Revenue per impression: A converts most (6 % × 30 = 1.8), B earns most
    /// (3 % × 120 = 3.6), C is between (4.5 % × 60 = 2.7); order values are
    /// exponential, so a few large orders. 30,000 impressions.
    @Test func revenueFavoursTheArmThatEarnsNotTheOneThatConverts() {
        let arms: [BanditRun.Arm] = [
            .init(conversion: 0.06, orderValue: 30), .init(conversion: 0.03, orderValue: 120), .init(conversion: 0.045, orderValue: 60),
        ]
        let run = BanditRun.simulate(objective: .revenue, arms: arms, impressions: 30_000, seed: 12)
        #expect(run.lastShares[1] >= 0.8)
        #expect(run.lastShares[0] < 0.1)
        #expect(run.expectedReward >= 0.85 * 30_000 * 3.6)
    }
}

/// A seeded in-process bandit: each round the shares are recomputed from the counts
/// so far, then 200 impressions are assigned by them and their rewards drawn.
struct BanditRun {
    struct Arm {
        var conversion: Double
        /// The mean of the exponential order value (ignored for binary objectives).
        var orderValue: Double
    }

    /// The shares of the last round.
    var lastShares: [Double]
    /// Σ over impressions of the shown arm's expected reward (its true mean).
    var expectedReward: Double

    static func simulate(objective: Objective, arms: [Arm], impressions: Int, round: Int = 200, seed: UInt64) -> BanditRun {
        var generator = SeededGenerator(seed: seed)
        var statistics = Array(repeating: ArmStatistics(trials: 0, sum: 0, sumSquares: 0), count: arms.count)
        var shares: [Double] = []
        var expected = 0.0
        for roundIndex in 0..<(impressions / round) {
            shares = ThompsonAllocation.probabilities(
                objective: objective, arms: statistics, floor: 0.02, warmUp: 100, seed: seed &+ UInt64(roundIndex)
            )
            for _ in 0..<round {
                let index = Assignment.choose(unit: Distributions.uniform(using: &generator), probabilities: shares)
                let arm = arms[index]
                expected += objective.isBinary ? arm.conversion : arm.conversion * arm.orderValue
                var reward = 0.0
                if Distributions.uniform(using: &generator) < arm.conversion {
                    reward = objective.isBinary ? 1 : -arm.orderValue * log1p(-Distributions.uniform(using: &generator))
                }
                statistics[index].trials += 1
                statistics[index].sum += reward
                statistics[index].sumSquares += reward * reward
            }
        }
        return BanditRun(lastShares: shares, expectedReward: expected)
    }
}
