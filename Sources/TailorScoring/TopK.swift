import TailorModel

/// A fixed-size min-heap keeping the k best rows seen, so that scoring n products
/// costs O(n log k) and no full sort. Ties go to the smaller product id, so every
/// partition and every replica orders equal scores the same way.
struct TopK: Sendable {
    struct Entry: Sendable {
        var key: Float
        var row: Int32
        var score: Float
        var signals: Signals
    }

    private(set) var entries: [Entry] = []
    private var capacity = 0

    mutating func reset(capacity: Int) {
        entries.removeAll(keepingCapacity: true)
        entries.reserveCapacity(capacity)
        self.capacity = capacity
    }

    /// Offers a row; `ids` breaks ties.
    mutating func offer(_ entry: Entry, ids: [String]) {
        guard capacity > 0 else { return }
        if entries.count < capacity {
            entries.append(entry)
            siftUp(entries.count - 1, ids)
        } else if Self.better(entry, than: entries[0], ids) {
            entries[0] = entry
            siftDown(0, ids)
        }
    }

    /// The kept entries, best first.
    func sorted(ids: [String]) -> [Entry] {
        entries.sorted { Self.better($0, than: $1, ids) }
    }

    static func better(_ a: Entry, than b: Entry, _ ids: [String]) -> Bool {
        if a.key != b.key { return a.key > b.key }
        return ids[Int(a.row)] < ids[Int(b.row)]
    }

    private mutating func siftUp(_ start: Int, _ ids: [String]) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            // Min-heap: the worst entry sits at the root, ready to be replaced.
            guard Self.better(entries[parent], than: entries[child], ids) else { return }
            entries.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int, _ ids: [String]) {
        var parent = start
        while true {
            var worst = parent
            let left = 2 * parent + 1
            let right = left + 1
            if left < entries.count, Self.better(entries[worst], than: entries[left], ids) { worst = left }
            if right < entries.count, Self.better(entries[worst], than: entries[right], ids) { worst = right }
            if worst == parent { return }
            entries.swapAt(parent, worst)
            parent = worst
        }
    }
}
