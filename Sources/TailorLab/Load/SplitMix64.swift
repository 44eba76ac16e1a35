/// A small, fast, seedable generator, so that a load run can be replayed request for request.
/// (SplitMix64, Steele, Lea and Flood 2014: the seeder of xoshiro; good enough for a workload.)
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<count` (count > 0), by multiply-high (Lemire) without the rejection
    /// step: the bias is below 2^-40 for a load mix's sizes. Unlike the standard library's
    /// `random(in:using:)`, whose algorithm may change, this keeps a seed's requests the same
    /// on every Swift release.
    mutating func below(_ count: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(count).multipliedFullWidth(by: next()).high)
    }

    /// Uniform in `range`.
    mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    mutating func nextBool() -> Bool {
        next() >> 63 == 1
    }

    /// A uniform double in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
