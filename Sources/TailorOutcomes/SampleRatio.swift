import Foundation

/// The outcome of a sample ratio mismatch check (``SampleRatio/check(observed:expectedShares:threshold:)``).
package struct SampleRatioCheck: Sendable, Hashable {
    package var chiSquare: Double
    package var degreesOfFreedom: Int
    package var pValue: Double
    /// True when pValue < the threshold (0.001 by default): the split is not what was configured.
    package var mismatch: Bool
}

/// Sample ratio mismatch: when the impressions of a fixed-share experiment's variants
/// are far from the configured shares, assignment or logging is broken (a variant that
/// errors more, a cache that serves one variant, bots) and its results cannot be trusted.
package enum SampleRatio {
    /// Pearson chi-square goodness of fit of observed counts to the expected shares (which sum to 1);
    /// p-value from the chi-square upper tail (regularized upper incomplete gamma Q(k/2, x/2), implemented
    /// with the series / continued fraction of Numerical Recipes). nil when total < 1 or fewer than 2 groups
    /// with a positive share.
    ///
    /// The shares are divided by their sum, so shares that add to 1 up to rounding
    /// test as configured. A group with no share but observed counts makes the
    /// chi-square infinite (p = 0): traffic went where none was configured. nil also
    /// when the arrays differ in length. Negative counts count as 0.
    package static func check(observed: [Double], expectedShares: [Double], threshold: Double = 0.001) -> SampleRatioCheck? {
        guard observed.count == expectedShares.count else { return nil }
        let counts = observed.map { $0.isFinite ? max(0, $0) : 0 }
        let shares = expectedShares.map { $0.isFinite ? max(0, $0) : 0 }
        let total = counts.reduce(0, +)
        let shareTotal = shares.reduce(0, +)
        let groups = shares.filter { $0 > 0 }.count
        guard total >= 1, groups >= 2, shareTotal > 0 else { return nil }
        var chiSquare = 0.0
        for (count, share) in zip(counts, shares) {
            if share > 0 {
                let expected = total * share / shareTotal
                chiSquare += (count - expected) * (count - expected) / expected
            } else if count > 0 {
                chiSquare = .infinity
            }
        }
        let degreesOfFreedom = groups - 1
        let pValue = ChiSquare.upperTail(chiSquare, degreesOfFreedom: degreesOfFreedom)
        return SampleRatioCheck(chiSquare: chiSquare, degreesOfFreedom: degreesOfFreedom, pValue: pValue, mismatch: pValue < threshold)
    }
}

/// The chi-square distribution's upper tail through the regularized incomplete gamma
/// function (Numerical Recipes §6.2): the series where it converges fast (x < a + 1),
/// else the continued fraction by the modified Lentz method.
enum ChiSquare {
    /// P(X ≥ x) for X ~ χ²(degreesOfFreedom).
    static func upperTail(_ x: Double, degreesOfFreedom: Int) -> Double {
        guard degreesOfFreedom > 0, !x.isNaN else { return .nan }
        return regularizedUpperGamma(Double(degreesOfFreedom) / 2, x / 2)
    }

    /// Q(a, x) = Γ(a, x) / Γ(a), in [0, 1].
    static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        guard x.isFinite else { return 0 }
        let q = x < a + 1 ? 1 - lowerSeries(a, x) : upperContinuedFraction(a, x)
        return min(1, max(0, q))
    }

    private static let iterations = 1_000
    private static let epsilon = 1e-15
    private static let tiny = 1e-300

    /// exp(−x) xᵃ / Γ(a), in logs so large a and x do not overflow.
    private static func prefactor(_ a: Double, _ x: Double) -> Double { exp(-x + a * log(x) - lgamma(a)) }

    /// P(a, x) by its series.
    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var denominator = a
        var term = 1 / a
        var sum = term
        for _ in 0..<iterations {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * epsilon { break }
        }
        return sum * prefactor(a, x)
    }

    /// Q(a, x) by its continued fraction.
    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...iterations {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return prefactor(a, x) * h
    }
}
