/// A forward-decayed grow-only counter of one product (DESIGN.md §2): one ``Slot``
/// per member incarnation, each holding the sums for popularity's long half-life and
/// trend's short one, relative to a landmark L.
///
/// Only a slot's owner adds to it, so each slot only grows and copies of it merge by
/// per-slot max. Stored sums are never decayed in place — that would make an older
/// copy look larger than a newer one — decay is applied when a value is read.
///
/// The landmark moves forward (``moveLandmark(to:)``) so that exponents stay below
/// ``ForwardDecay/maximumExponent``. Moving it multiplies every sum of one half-life
/// by the same factor and the read factor by its inverse: no value read at any time
/// changes (up to rounding). Max-merge stays correct because both sides are brought
/// to the same (the later) landmark before any two sums are compared.
package struct DecayedCounter: Sendable, Equatable {
    /// The time, in milliseconds, that the slots' sums are relative to.
    package private(set) var landmark: Int64
    /// The slots by owner.
    package private(set) var slots: [SlotID: Slot]

    /// A counter whose `slots` hold sums relative to `landmark`.
    package init(landmark: Int64, slots: [SlotID: Slot] = [:]) {
        self.landmark = landmark
        self.slots = slots
    }

    /// Adds an interaction of `weight` at `atMillis` to `slot`, which the caller owns.
    /// Moves the landmark to `atMillis` first when the exponent would pass
    /// ``ForwardDecay/maximumExponent``.
    package mutating func add(weight: Double, atMillis: Int64, slot: SlotID) {
        precondition(weight >= 0 && weight.isFinite, "a G-counter only grows: weight must be finite and not negative")
        if Self.needsNewLandmark(atMillis: atMillis, landmark: landmark) { moveLandmark(to: Self.alignedLandmark(atMillis)) }
        let long = weight * ForwardDecay.popularity.weight(atMillis: atMillis, landmark: landmark)
        let short = weight * ForwardDecay.trend.weight(atMillis: atMillis, landmark: landmark)
        var sums = slots[slot] ?? Slot()
        sums.long += long
        sums.short += short
        slots[slot] = sums
    }

    /// The decayed popularity count at `nowMillis`: the long sums of every slot.
    package func popularity(nowMillis: Int64) -> Double {
        ForwardDecay.popularity.valueFactor(nowMillis: nowMillis, landmark: landmark) * slots.values.reduce(0) { $0 + $1.long }
    }

    /// The decayed trend count at `nowMillis`: the short sums of every slot. The
    /// trend signal is this rate over the popularity rate; the scorer divides.
    package func trendCount(nowMillis: Int64) -> Double {
        ForwardDecay.trend.valueFactor(nowMillis: nowMillis, landmark: landmark) * slots.values.reduce(0) { $0 + $1.short }
    }

    /// Re-expresses every slot relative to `newLandmark`, a uniform rescale that
    /// changes no value read. Does nothing when `newLandmark` is not later: landmarks
    /// only move forward, so factors stay at most 1 and nothing overflows.
    package mutating func moveLandmark(to newLandmark: Int64) {
        guard newLandmark > landmark else { return }
        let move = LandmarkMove(from: landmark, to: newLandmark)
        slots = slots.mapValues(move.apply)
        landmark = newLandmark
    }

    /// Merges another replica's copy: both at the later landmark, then per-slot max.
    /// Commutative and idempotent bit for bit; associative up to rounding when the
    /// landmarks differ (a sum moved in two steps may differ in its last bits).
    package mutating func merge(_ other: DecayedCounter) {
        moveLandmark(to: other.landmark)
        let move = other.landmark == landmark ? nil : LandmarkMove(from: other.landmark, to: landmark)
        for (id, value) in other.slots { _ = merge(move?.apply(value) ?? value, into: id) }
    }

    /// Merges one copy of a slot already expressed at this landmark; true when the
    /// slot was new here or grew by more than rounding. (A copy moved to this landmark
    /// from another can exceed the same sum held here in its last bits; reporting that
    /// as growth would relay it, and the relay would come back, forever.)
    mutating func merge(_ value: Slot, into id: SlotID) -> Bool {
        guard let current = slots[id] else {
            slots[id] = value
            return true
        }
        let merged = current.merged(with: value)
        guard merged != current else { return false }
        slots[id] = merged
        return merged.long > current.long * (1 + Self.roundingTolerance) || merged.short > current.short * (1 + Self.roundingTolerance)
    }

    /// Relative growth below this is rounding, not news.
    static let roundingTolerance = 1e-9

    /// Landmarks are whole UTC days, so members that start or move at different times
    /// still agree on them (and compare sums exactly, without conversions).
    package static func alignedLandmark(_ millis: Int64) -> Int64 {
        millis - ((millis % 86_400_000) + 86_400_000) % 86_400_000
    }

    /// Whether an addition at `atMillis` would pass ``ForwardDecay/maximumExponent``
    /// (the trend's shorter half-life has the larger exponent; both are checked).
    static func needsNewLandmark(atMillis: Int64, landmark: Int64) -> Bool {
        max(ForwardDecay.trend.exponent(atMillis: atMillis, landmark: landmark),
            ForwardDecay.popularity.exponent(atMillis: atMillis, landmark: landmark)) > ForwardDecay.maximumExponent
    }
}
