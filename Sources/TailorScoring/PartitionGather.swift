import TailorModel

/// Gathers the results of several partitions scored one after the other for the
/// same request (a node's share of it), and raises the bar as it goes: once k
/// products are held, the next partitions are asked only for what beats the k-th
/// (`ScoringQuery.minimumScore`), so they skip building the rest.
public struct PartitionGather: Sendable {
    /// The query for the next partition, with its `minimumScore` raised.
    public private(set) var next: PreparedQuery
    /// The best k scores so far, descending.
    private var best: [Float] = []
    private var ranked: [[ScoredCandidate]] = []
    private var trending: [[ScoredCandidate]] = []
    private var discovery: [[ScoredCandidate]] = []

    public init(query: PreparedQuery) {
        self.next = query
        best.reserveCapacity(next.query.k + 1)
    }

    public mutating func add(_ result: ScoringResult) {
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
    public func merged() -> ScoringResult {
        ScoringResult(
            ranked: CandidateMerge.merge(ranked, k: next.query.k),
            trending: CandidateMerge.merge(trending, k: next.query.k),
            discovery: CandidateMerge.merge(discovery, k: next.query.k)
        )
    }
}
