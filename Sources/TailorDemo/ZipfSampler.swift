import Foundation

/// Draws ranks 0..<count with probability proportional to 1 / (rank + 1)^exponent.
///
/// Shops are long-tailed: a few categories and, within a category, a few products
/// take most of the attention. A cumulative table and a binary search make a draw
/// cost a handful of comparisons, which matters for half a million events.
struct ZipfSampler: Sendable {
    private let cumulative: [Double]

    init(count: Int, exponent: Double) {
        precondition(count > 0, "a Zipf sampler needs at least one rank")
        var running = 0.0
        var table = [Double]()
        table.reserveCapacity(count)
        for rank in 0..<count {
            running += 1 / pow(Double(rank + 1), exponent)
            table.append(running)
        }
        cumulative = table.map { $0 / running }
    }

    var count: Int { cumulative.count }

    func sample(using random: inout DemoRandom) -> Int {
        let target = random.unit()
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) >> 1
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
