import TailorModel

/// Merges the catalog partitions' best-first lists at the gateway.
package enum CandidateMerge {
    /// A k-way merge of best-first lists into the best `k`, each product once (its
    /// highest-scoring entry; replicas of a partition may both answer). Equal scores
    /// go to the smaller product id, the same order the partitions use.
    package static func merge(_ lists: [[ScoredCandidate]], k: Int) -> [ScoredCandidate] {
        guard k > 0 else { return [] }
        var heads = [Int](repeating: 0, count: lists.count)
        var seen = Set<String>()
        var merged: [ScoredCandidate] = []
        merged.reserveCapacity(k)
        while merged.count < k {
            // Few lists (one per partition): a linear scan of the heads beats a heap.
            var best: Int?
            for list in lists.indices where heads[list] < lists[list].count {
                guard let current = best else {
                    best = list
                    continue
                }
                if ranksBefore(lists[list][heads[list]], lists[current][heads[current]]) { best = list }
            }
            guard let chosen = best else { break }
            let candidate = lists[chosen][heads[chosen]]
            heads[chosen] += 1
            if seen.insert(candidate.product).inserted { merged.append(candidate) }
        }
        return merged
    }

    /// Best first: higher score, then smaller product id.
    static func ranksBefore(_ a: ScoredCandidate, _ b: ScoredCandidate) -> Bool {
        a.score != b.score ? a.score > b.score : a.product < b.product
    }
}
