import TailorModel

/// Gathers the results of several single-partition indexes scored one after the
/// other for the same request, and raises the bar as it goes: once k products are
/// held, the next partitions are asked only for what beats the k-th
/// (`ScoringQuery.minimumScore`), so they skip building the rest. The reference the
/// node index (one ``CatalogIndex`` over many partitions) is checked against:
/// `tailor-lab bench scoring` and the node index tests.
package struct PartitionGather: Sendable {
    /// The query for the next partition, with its `minimumScore` raised.
    package private(set) var next: PreparedQuery
    /// The best k scores so far, descending.
    private var best: [Float] = []
    private var ranked: [[ScoredCandidate]] = []
    private var trending: [[ScoredCandidate]] = []
    private var discovery: [[ScoredCandidate]] = []

    package init(query: PreparedQuery) {
        self.next = query
        best.reserveCapacity(next.query.k + 1)
    }

    package mutating func add(_ result: ScoringResult) {
        let k = next.query.k
        for candidate in result.ranked {
            let score = candidate.score
            if best.count == k, let last = best.last, score <= last { break }
            let position = best.firstIndex { $0 < score } ?? best.count
            best.insert(score, at: position)
            if best.count > k { best.removeLast() }
        }
        if best.count == k, let last = best.last { next.query.minimumScore = last }
        ranked.append(result.ranked)
        trending.append(result.trending)
        discovery.append(result.discovery)
    }

    /// The k best of each list over every partition added.
    package func merged() -> ScoringResult {
        ScoringResult(
            ranked: CandidateMerge.merge(ranked, k: next.query.k),
            trending: CandidateMerge.merge(trending, k: next.query.k),
            discovery: CandidateMerge.merge(discovery, k: next.query.k)
        )
    }
}

extension PartitionGather {
    /// Scores every partition the way a node's score handler does (partitions in
    /// order, each asked only for what beats the k-th best so far), then merges;
    /// `query` is prepared once with the indexes' shared vocabulary, as a node does.
    package static func scoreAll(_ query: PreparedQuery, _ indexes: [CatalogIndex], _ scratch: inout [ScoringScratch]) -> ScoringResult {
        var gather = PartitionGather(query: query)
        for partition in indexes.indices {
            // Through a span: `indexes[partition]` would copy the index (retain its
            // ~35 fields) per call, which a partition actor's stored index does not.
            let next = gather.next
            gather.add(indexes.span[partition].score(next, scratch: &scratch[partition]))
        }
        return gather.merged()
    }
}
