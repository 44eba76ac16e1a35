/// The item-to-item inverted index of one catalog partition: for each source
/// product (which may live in any partition), by its ``Vocabulary`` code, the local
/// rows that co-occur with it, with summed weights. Postings are contiguous,
/// sorted by row, merged on add.
struct Cooccurrence: Sendable {
    struct Postings: Sendable {
        var rows: [Int32] = []
        var weights: [Float] = []
    }

    /// Postings per source code. A dictionary, not an array indexed by code: codes
    /// are node-wide, so an array would cost every partition memory for every
    /// product the node ever saw; this costs only what the partition holds.
    private(set) var bySource: [Int32: Postings] = [:]

    mutating func add(source: Int32, row: Int32, weight: Float) {
        var postings = bySource.removeValue(forKey: source) ?? Postings()
        // Binary search keeps the merge O(log n) to find, one memmove to insert.
        var low = 0
        var high = postings.rows.count
        while low < high {
            let mid = (low + high) / 2
            if postings.rows[mid] < row { low = mid + 1 } else { high = mid }
        }
        if low < postings.rows.count, postings.rows[low] == row {
            postings.weights[low] += weight
        } else {
            postings.rows.insert(row, at: low)
            postings.weights.insert(weight, at: low)
        }
        bySource[source] = postings
    }

    func postings(of source: Int32) -> Postings? { bySource[source] }

    /// Number of (source, row) entries, for sizing and debugging.
    var entryCount: Int { bySource.values.reduce(0) { $0 + $1.rows.count } }
}
