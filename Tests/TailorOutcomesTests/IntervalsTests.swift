import Testing
@testable import TailorOutcomes

@Suite struct IntervalsTests {
    @Test func wilsonOfTenInAHundred() throws {
        let interval = try #require(Intervals.wilson(successes: 10, trials: 100))
        #expect(abs(interval.low - 0.0552) < 5e-4)
        #expect(abs(interval.high - 0.1744) < 5e-4)
    }

    @Test func wilsonIsNilWithoutTrials() {
        #expect(Intervals.wilson(successes: 0, trials: 0) == nil)
    }

    /// The normal approximation would give [0, 0] here; Wilson still says "up to about 16 %".
    @Test func wilsonAtZeroSuccessesStillHasWidth() throws {
        let interval = try #require(Intervals.wilson(successes: 0, trials: 20))
        #expect(interval.low < 1e-12)
        #expect(abs(interval.high - 0.1611) < 5e-4)
    }

    @Test func wilsonClampsSuccessesToTrials() throws {
        let interval = try #require(Intervals.wilson(successes: 30, trials: 20))
        #expect(interval.high > 1 - 1e-12)
        #expect(interval.low > 0.8)
    }

    /// Values 1…5: mean 3, sample variance 2.5, standard error √0.5.
    @Test func meanIntervalFromSums() throws {
        let interval = try #require(Intervals.mean(sum: 15, sumSquares: 55, count: 5))
        let half = Intervals.z95 * 0.5.squareRoot()
        #expect(abs(interval.low - (3 - half)) < 1e-12)
        #expect(abs(interval.high - (3 + half)) < 1e-12)
    }

    @Test func meanIntervalNeedsTwoValues() {
        #expect(Intervals.mean(sum: 3, sumSquares: 9, count: 1) == nil)
    }

    /// Equal values whose Σx² − (Σx)²/n rounds below 0 give a zero-width interval, not NaN.
    @Test func meanIntervalOfEqualValuesHasNoWidth() throws {
        let value = 0.1
        let count = 1_000.0
        let interval = try #require(Intervals.mean(sum: value * count, sumSquares: value * value * count * (1 - 1e-15), count: count))
        #expect(!interval.low.isNaN && !interval.high.isNaN)
        #expect(abs(interval.high - interval.low) < 1e-6)
    }
}
