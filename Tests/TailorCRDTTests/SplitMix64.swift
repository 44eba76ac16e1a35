/// A seeded generator for the property tests (SplitMix64, Steele et al. 2014), with
/// its own draws so that a failing seed fails the same way on every Swift release.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<count (count > 0); the modulo bias is irrelevant here.
    mutating func below(_ count: Int) -> Int { Int(next() % UInt64(count)) }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// `items` in a random order (Fisher–Yates).
    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var items = items
        for i in items.indices.dropLast() { items.swapAt(i, i + below(items.count - i)) }
        return items
    }
}
