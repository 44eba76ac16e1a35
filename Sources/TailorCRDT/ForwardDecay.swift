import Foundation

/// Forward-decayed counters (Cormode et al., ICDE 2009; DESIGN.md §2) for one
/// half-life: an interaction of weight `w` at time `t` adds `w * exp(λ (t - L))` to
/// a slot that only grows, and the value at time `t` is `exp(-λ (t - L)) * slot`.
/// Stored state is never decayed in place, so slots stay mergeable by max.
///
/// As `t` runs away from the landmark `L` the factor grows without bound; before it
/// leaves the range a `Double` holds comfortably, the owner of the slots (the
/// scoring's catalog index, ``DecayedCounter``) moves the landmark and multiplies
/// every slot by the same `exp(-λ (L' - L))` — a uniform rescale that changes no
/// value read at any time.
package struct ForwardDecay: Sendable {
    /// Decay rate per millisecond.
    package let lambda: Double

    /// A decay whose values halve every `halfLifeMillis` milliseconds.
    package init(halfLifeMillis: Double) {
        lambda = M_LN2 / halfLifeMillis
    }

    /// What an interaction of weight 1 at `atMillis` adds to a slot.
    package func weight(atMillis: Int64, landmark: Int64) -> Double {
        exp(lambda * Double(atMillis - landmark))
    }

    /// What a slot is worth at `nowMillis`: multiply the slot by this.
    package func valueFactor(nowMillis: Int64, landmark: Int64) -> Double {
        exp(-lambda * Double(nowMillis - landmark))
    }

    /// Exponent at `atMillis`; owners rescale before it passes ``maximumExponent``.
    package func exponent(atMillis: Int64, landmark: Int64) -> Double {
        lambda * Double(atMillis - landmark)
    }

    /// exp(60) ≈ 1e26: far from Double's range, and leaves the float sums precise.
    package static let maximumExponent = 60.0

    /// Popularity: a week's half-life.
    package static let popularity = ForwardDecay(halfLifeMillis: 7 * 24 * 3_600_000)
    /// Trend: six hours' half-life.
    package static let trend = ForwardDecay(halfLifeMillis: 6 * 3_600_000)
}
