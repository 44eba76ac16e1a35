/// The item-to-item inverted index of one catalog partition: for each source
/// product (which may live in any partition), by its ``Vocabulary`` code, the local
/// rows that co-occur with it, with summed weights. Postings are contiguous,
/// sorted by row, merged on add.
struct Cooccurrence: Sendable {
    struct Postings: Sendable {
        var rows: [Int32] = []
        var weights: [Float] = []
    }

    /// Postings per source code; sources never paired with a local row have none.
    private(set) var bySource: [Postings?] = []

    mutating func add(source: Int32, row: Int32, weight: Float) {
        let source = Int(source)
        if bySource.count <= source { bySource.append(contentsOf: repeatElement(nil, count: source + 1 - bySource.count)) }
        var postings = bySource[source].take() ?? Postings()
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

    @inline(__always)
    func postings(of source: Int32) -> Postings? {
        source >= 0 && Int(source) < bySource.count ? bySource[Int(source)] : nil
    }

    /// Number of (source, row) entries, for sizing and debugging.
    var entryCount: Int { bySource.reduce(0) { $0 + ($1?.rows.count ?? 0) } }
}
