/// The forward-decayed sums of one slot, relative to its counter's landmark L: each
/// addition of weight `w` at time `t` added `w * exp(λ (t - L))` for each half-life.
package struct Slot: Sendable, Hashable {
    /// The sum for the long half-life (``ForwardDecay/popularity``).
    package var long: Double
    /// The sum for the short half-life (``ForwardDecay/trend``).
    package var short: Double

    /// A slot holding these sums.
    package init(long: Double = 0, short: Double = 0) {
        self.long = long
        self.short = short
    }

    /// Per-component max of two copies of the same slot at the same landmark. Both
    /// sums only grow, so the larger one has seen every addition the smaller has.
    package func merged(with other: Slot) -> Slot {
        Slot(long: Self.larger(long, other.long), short: Self.larger(short, other.short))
    }

    /// `max` that picks the same bits whichever side is first. Slots hold no NaN and
    /// no -0 (weights are finite and not negative), so equal values have equal bits.
    static func larger(_ a: Double, _ b: Double) -> Double { a < b ? b : a }
}

/// The factors that bring sums from one landmark to another: `exp(-λ (to - from))`
/// per half-life. One value per move, so every slot moved together gets the same
/// factor bit for bit, whichever side of a merge computes it.
struct LandmarkMove {
    let long: Double
    let short: Double

    init(from old: Int64, to new: Int64) {
        long = ForwardDecay.popularity.valueFactor(nowMillis: new, landmark: old)
        short = ForwardDecay.trend.valueFactor(nowMillis: new, landmark: old)
    }

    func apply(_ slot: Slot) -> Slot {
        Slot(long: slot.long * long, short: slot.short * short)
    }
}
