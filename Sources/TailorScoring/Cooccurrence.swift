/// The item-to-item inverted index of a node's catalog rows: for each source
/// product (which may live in any partition), by its ``Vocabulary`` code, the local
/// rows that co-occur with it, with summed weights. Postings are contiguous,
/// sorted by row, merged on add.
struct Cooccurrence: Sendable {
    /// One co-occurring row and its summed weight: row and weight side by side, so a
    /// walk over a source's postings reads one array (one cache miss to reach it).
    struct Entry: Sendable, Equatable {
        var row: Int32
        var weight: Float
    }

    /// Postings per source code, sorted by row. A dictionary, not an array indexed by
    /// code: codes are node-wide, so an array would cost every partition memory for
    /// every product the node ever saw; this costs only what the partition holds.
    private(set) var bySource: [Int32: [Entry]] = [:]

    mutating func add(source: Int32, row: Int32, weight: Float) {
        // In place through the default subscript: one hash lookup, no copy of the postings.
        Self.merge(row: row, weight: weight, into: &bySource[source, default: []])
    }

    /// Adds `weight` to `row`'s entry, inserting it in row order when new. Binary
    /// search keeps the merge O(log n) to find, one memmove to insert.
    private static func merge(row: Int32, weight: Float, into postings: inout [Entry]) {
        var low = 0
        var high = postings.count
        while low < high {
            let mid = (low + high) / 2
            if postings[mid].row < row { low = mid + 1 } else { high = mid }
        }
        if low < postings.count, postings[low].row == row {
            postings[low].weight += weight
        } else {
            postings.insert(Entry(row: row, weight: weight), at: low)
        }
    }

    func postings(of source: Int32) -> [Entry]? { bySource[source] }

    /// Removes every posting naming a row `removed` selects (a partition purged).
    mutating func removeRows(where removed: (Int32) -> Bool) {
        for source in Array(bySource.keys) {
            bySource[source]?.removeAll { removed($0.row) }
            if bySource[source]?.isEmpty == true { bySource[source] = nil }
        }
    }

    /// Number of (source, row) entries, for sizing and debugging.
    var entryCount: Int { bySource.values.reduce(0) { $0 + $1.count } }
}
