/// The item-to-item inverted index of one catalog partition: for each source
/// product (which may live in any partition) the local rows that co-occur with it,
/// with summed weights. Postings are contiguous, sorted by row, merged on add.
struct Cooccurrence: Sendable {
    struct Postings: Sendable {
        var rows: [Int32] = []
        var weights: [Float] = []
    }

    private(set) var bySource: [String: Postings] = [:]

    mutating func add(source: String, row: Int32, weight: Float) {
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

    func postings(of source: String) -> Postings? { bySource[source] }

    /// Number of (source, row) entries, for sizing and debugging.
    var entryCount: Int { bySource.values.reduce(0) { $0 + $1.rows.count } }
}
