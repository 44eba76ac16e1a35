/// The catalog partitions a query counts on a node (DESIGN.md §4): a bitset checked
/// per row, so a partition being handed off or answered by another replica is simply
/// not in the set.
package struct PartitionSet: Sendable, Equatable {
    private var words: [UInt64] = []

    package init() {}

    package init(_ partitions: some Sequence<Int>) {
        for partition in partitions { insert(partition) }
    }

    package mutating func insert(_ partition: Int) {
        guard partition >= 0 else { return }
        let word = partition >> 6
        if words.count <= word { words.append(contentsOf: repeatElement(0, count: word + 1 - words.count)) }
        words[word] |= 1 << UInt64(partition & 63)
    }

    @inline(__always)
    package func contains(_ partition: Int32) -> Bool {
        guard partition >= 0 else { return false }
        let word = Int(partition >> 6)
        return word < words.count && words[word] & (1 << UInt64(partition & 63)) != 0
    }

    /// The partitions in the set, ascending.
    package var members: [Int] {
        var result: [Int] = []
        for (index, word) in words.enumerated() where word != 0 {
            for bit in 0..<64 where word & (1 << UInt64(bit)) != 0 { result.append(index << 6 | bit) }
        }
        return result
    }

    package var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
}
