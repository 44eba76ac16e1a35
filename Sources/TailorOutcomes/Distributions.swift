import Foundation

/// The draws Thompson sampling needs, from any generator (a ``SeededGenerator`` to be
/// reproducible). Only `log` and `sqrt` are used, so no trigonometry whose last bits
/// could differ between platforms' maths libraries.
package enum Distributions {
    /// Uniform in [0, 1): the top 53 bits of one output, every value equally likely.
    package static func uniform(using g: inout some RandomNumberGenerator) -> Double {
        Double(g.next() >> 11) * 0x1.0p-53
    }

    /// Standard normal, by Marsaglia's polar method (one of the pair is used, so a
    /// draw depends on nothing but the generator's state).
    package static func normal(using g: inout some RandomNumberGenerator) -> Double {
        while true {
            let u = 2 * uniform(using: &g) - 1
            let v = 2 * uniform(using: &g) - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang (2000); a shape below 1 is boosted to
    /// shape + 1 and scaled by U^(1/shape). A shape that is not positive gives 0 (the
    /// degenerate limit), so a caller's bad input cannot become a NaN.
    package static func gamma(shape: Double, using g: inout some RandomNumberGenerator) -> Double {
        guard shape > 0 else { return 0 }
        guard shape.isFinite else { return shape }
        if shape < 1 {
            // 1 − uniform is in (0, 1], so the power is never of 0.
            let u = 1 - uniform(using: &g)
            return gamma(shape: shape + 1, using: &g) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal(using: &g)
            let t = 1 + c * x
            guard t > 0 else { continue }
            let v = t * t * t
            let u = uniform(using: &g)
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 { return d * v }
            if u > 0 && log(u) < 0.5 * x2 + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Beta(a, b) as X / (X + Y) of two gammas. When both gammas underflow to 0 (tiny
    /// shapes) the mean a / (a + b) stands in rather than 0 / 0.
    package static func beta(_ a: Double, _ b: Double, using g: inout some RandomNumberGenerator) -> Double {
        let x = gamma(shape: a, using: &g)
        let y = gamma(shape: b, using: &g)
        let total = x + y
        if total > 0 && total.isFinite { return x / total }
        let shapes = max(a, 0) + max(b, 0)
        return shapes > 0 && shapes.isFinite ? max(a, 0) / shapes : 0.5
    }
}
