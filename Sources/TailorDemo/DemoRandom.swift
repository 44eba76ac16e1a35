import Foundation

/// The demo's own pseudo-random generator (SplitMix64, Steele et al. 2014).
///
/// The demo must come out the same on every machine and every Swift release, so it
/// never uses the system generator, nor the standard library's `random(in:using:)`
/// whose algorithm is not promised to stay the same: every draw goes through the
/// small helpers below.
struct DemoRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A generator for one numbered stream of a seed (a shopper, a product), so that
    /// each stream can be produced on its own, in any order.
    init(seed: UInt64, stream: UInt64, salt: UInt64 = 0) {
        state = Self.mix(Self.mix(seed ^ 0x7461_696C_6F72_2121) &+ Self.mix(stream &+ 0x9E37_79B9) &+ salt)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijection that spreads every input bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in 0..<count (count > 0), by multiply-high (Lemire) without the rejection step:
    /// the bias is below 2^-50 for the sizes used here.
    mutating func below(_ count: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(count).multipliedFullWidth(by: next()).high)
    }

    /// Uniform in `range`.
    mutating func between(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in [low, high).
    mutating func between(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * unit()
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A standard normal draw (Box–Muller; the second value is dropped to keep no state).
    mutating func normal() -> Double {
        let u = 1 - unit()
        let v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// An element of a non-empty array, uniformly.
    mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[below(elements.count)]
    }

    /// Shuffles in place (Fisher–Yates) with this generator's own draws.
    mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for index in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(index, below(index + 1))
        }
    }
}
