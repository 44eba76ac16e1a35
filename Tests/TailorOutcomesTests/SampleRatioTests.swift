import Testing
@testable import TailorOutcomes

@Suite struct SampleRatioTests {
    @Test func unevenSplitIsAMismatch() throws {
        let check = try #require(SampleRatio.check(observed: [5_000, 4_500], expectedShares: [0.5, 0.5]))
        #expect(abs(check.chiSquare - 2 * 250 * 250 / 4_750.0) < 1e-9)
        #expect(check.degreesOfFreedom == 1)
        #expect(check.pValue < 1e-6)
        #expect(check.mismatch)
    }

    @Test func nearEvenSplitIsNoMismatch() throws {
        let check = try #require(SampleRatio.check(observed: [5_000, 4_980], expectedShares: [0.5, 0.5]))
        #expect(check.pValue > 0.5)
        #expect(!check.mismatch)
    }

    @Test(arguments: [
        // (χ², degrees of freedom, upper tail): table values, and two closed forms
        // (df 2: e^(−x/2); df 4: e^(−x/2)(1 + x/2)) that reach the series branch.
        (3.841458820694124, 1, 0.05),
        (5.991464547107979, 2, 0.05),
        (18.307038053275146, 10, 0.05),
        (6.634896601021214, 1, 0.01),
        (1.0, 4, 0.9097959895689501),
        (0.5, 2, 0.7788007830714049),
    ])
    func chiSquareUpperTail(chiSquare: Double, degreesOfFreedom: Int, expected: Double) {
        let p = ChiSquare.upperTail(chiSquare, degreesOfFreedom: degreesOfFreedom)
        #expect(abs(p - expected) < 1e-9)
    }

    @Test func threeWaySplitAgainstUnequalShares() throws {
        let check = try #require(SampleRatio.check(observed: [5_020, 2_990, 1_990], expectedShares: [0.5, 0.3, 0.2]))
        #expect(check.degreesOfFreedom == 2)
        #expect(!check.mismatch)
        let skewed = try #require(SampleRatio.check(observed: [3_400, 3_300, 3_300], expectedShares: [0.5, 0.3, 0.2]))
        #expect(skewed.mismatch)
    }

    @Test func trafficWhereNoneWasConfiguredIsAMismatch() throws {
        let check = try #require(SampleRatio.check(observed: [500, 500, 3], expectedShares: [0.5, 0.5, 0]))
        #expect(check.pValue == 0)
        #expect(check.mismatch)
    }

    @Test func nothingToCheck() {
        #expect(SampleRatio.check(observed: [0, 0], expectedShares: [0.5, 0.5]) == nil)
        #expect(SampleRatio.check(observed: [10, 0], expectedShares: [1, 0]) == nil)
        #expect(SampleRatio.check(observed: [10, 10], expectedShares: [0.5, 0.3, 0.2]) == nil)
    }
}
