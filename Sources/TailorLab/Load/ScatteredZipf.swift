import Foundation

/// Draws indices in `0..<count` so that a few are frequent and most are rare: the rank r
/// (1-based) has a weight of 1 / r^exponent. Ranks are scattered over the index space, so
/// the frequent shoppers or products are not all neighbours (and not all on one partition).
struct ScatteredZipf: Sendable {
    let count: Int
    /// cumulative[r] is the probability of a rank ≤ r + 1, ending at 1.
    private let cumulative: [Double]
    private let stride: Int

    init(count: Int, exponent: Double) {
        precondition(count > 0, "a Zipf sampler needs at least one index")
        self.count = count
        var running = 0.0
        var cumulative = [Double]()
        cumulative.reserveCapacity(count)
        for rank in 1...count {
            running += 1 / pow(Double(rank), exponent)
            cumulative.append(running)
        }
        self.cumulative = cumulative.map { $0 / running }
        self.stride = Self.scatteringStride(for: count)
    }

    /// The index of a rank drawn with `random`.
    func next(using random: inout SplitMix64) -> Int {
        let u = random.nextUnit()
        var low = 0
        var high = count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > u { high = middle } else { low = middle + 1 }
        }
        return index(ofRank: low)
    }

    /// Rank 0 is the most frequent; the map is a bijection on `0..<count`.
    func index(ofRank rank: Int) -> Int {
        (rank * stride + count / 3) % count
    }

    /// A large prime that shares no factor with `count` (or 1 when none of the few tried fits).
    private static func scatteringStride(for count: Int) -> Int {
        for prime in [7_919, 104_729, 15_485_863] where count % prime != 0 {
            return prime % count == 0 ? 1 : prime
        }
        return 1
    }
}
