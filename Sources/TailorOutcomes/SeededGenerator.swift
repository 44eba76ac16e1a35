import TailorCRDT

/// A seeded PRNG (xoshiro256** seeded through SplitMix64), same sequence on every platform.
///
/// Bandit allocation is computed independently by every gateway; with the same seed
/// and the same counts they must reach the same shares, so the draws come from this
/// generator, never from `SystemRandomNumberGenerator`.
package struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    package init(seed: UInt64) {
        // SplitMix64 spreads any seed (0 included) over the 256-bit state; its
        // outputs are never four zeros in a row, the one state xoshiro cannot leave.
        var state = seed
        s0 = SplitMix64.next(&state)
        s1 = SplitMix64.next(&state)
        s2 = SplitMix64.next(&state)
        s3 = SplitMix64.next(&state)
    }

    package mutating func next() -> UInt64 {
        let result = Self.rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotate(s3, 45)
        return result
    }

    private static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// Vigna's SplitMix64: the seeder of ``SeededGenerator`` and the finaliser of
/// ``Assignment/unit(shopper:salt:)``.
enum SplitMix64 {
    /// Advances `state` and returns its next output.
    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// The bijective finaliser: every input bit affects every output bit.
    static func mix(_ value: UInt64) -> UInt64 {
        // StableHash.mix(a, 0) is exactly the finaliser: one copy of the constants.
        StableHash.mix(value, 0)
    }
}
