import Testing
@testable import TailorOutcomes

@Suite struct CounterfactualTests {
    /// A fixed-share experiment's log: one cell per variant, each impression converting
    /// with the variant's rate and a converted one earning an amount, weighted by 1/share.
    private func log(shares: [Double], conversion: [Double], impressions: Int, seed: UInt64) -> [CellCounts] {
        var generator = SeededGenerator(seed: seed)
        var cells = Array(repeating: CellCounts(), count: shares.count)
        for _ in 0..<impressions {
            let variant = Assignment.choose(unit: Distributions.uniform(using: &generator), probabilities: shares)
            let weight = 1 / shares[variant]
            let converted = Distributions.uniform(using: &generator) < conversion[variant]
            let amount = converted ? 20 + 280 * Distributions.uniform(using: &generator) : 0
            cells[variant].impressions += 1
            cells[variant].weights += weight
            cells[variant].weightSquares += weight * weight
            cells[variant][.conversions].add(reward: converted ? 1 : 0, weight: weight)
            cells[variant][.revenue].add(reward: amount, weight: weight)
        }
        return cells
    }

    @Test func loggingIsTheObservedMean() throws {
        let cells = log(shares: [0.5, 0.5], conversion: [0.04, 0.06], impressions: 20_000, seed: 1)
        let estimate = try #require(Counterfactual.logging(objective: .conversions, cells: cells))
        let conversions = cells.reduce(0) { $0 + $1[.conversions].sum }
        #expect(estimate.value == conversions / 20_000)
        #expect(estimate.matchedImpressions == 20_000)
        let interval = try #require(estimate.interval)
        #expect(interval.low < estimate.value && estimate.value < interval.high)
    }

    @Test(arguments: [Objective.conversions, .revenue])
    func snipsOfTheLoggingPolicyIsTheLoggingEstimate(objective: Objective) throws {
        let shares = [0.3, 0.7]
        let cells = log(shares: shares, conversion: [0.04, 0.06], impressions: 20_000, seed: 2)
        let logging = try #require(Counterfactual.logging(objective: objective, cells: cells))
        let snips = try #require(Counterfactual.snips(objective: objective, cells: zip(shares, cells).map { ($0, $1) }))
        #expect(abs(snips.value - logging.value) < 1e-9)
        #expect(abs(snips.effectiveSampleSize - 20_000) < 1e-6)
        #expect(snips.matchedImpressions == 20_000)
    }

    @Test func snipsOfAlwaysOneVariantIsThatVariantsMean() throws {
        let cells = log(shares: [0.5, 0.5], conversion: [0.04, 0.06], impressions: 20_000, seed: 3)
        let estimate = try #require(Counterfactual.snips(objective: .revenue, cells: [(1, cells[0]), (0, cells[1])]))
        let observed = cells[0][.revenue].sum / Double(cells[0].impressions)
        #expect(abs(estimate.value - observed) < 1e-9)
        #expect(estimate.matchedImpressions == Double(cells[0].impressions))
        // Every matched weight is 2: the effective sample size is the matched count.
        #expect(abs(estimate.effectiveSampleSize - Double(cells[0].impressions)) < 1e-6)
        let interval = try #require(estimate.interval)
        #expect(interval.low < observed && observed < interval.high)
    }

    @Test func noMatchedCellsNoEstimate() {
        let cells = log(shares: [0.5, 0.5], conversion: [0.04, 0.06], impressions: 1_000, seed: 4)
        #expect(Counterfactual.snips(objective: .conversions, cells: [(0, cells[0]), (0, cells[1])]) == nil)
        #expect(Counterfactual.snips(objective: .conversions, cells: []) == nil)
        #expect(Counterfactual.logging(objective: .conversions, cells: []) == nil)
    }

    /// A cell of rewards that are all 0: value 0 and a zero-width interval, no NaN.
    @Test func zeroRewardsGiveZeroNotNaN() throws {
        var cell = CellCounts()
        for _ in 0..<10 {
            cell.impressions += 1
            cell.weights += 2
            cell.weightSquares += 4
            cell[.revenue].add(reward: 0, weight: 2)
        }
        let estimate = try #require(Counterfactual.snips(objective: .revenue, cells: [(1, cell)]))
        #expect(estimate.value == 0)
        #expect(estimate.interval == Interval(low: 0, high: 0))
    }
}
