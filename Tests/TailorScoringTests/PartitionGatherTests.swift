import TailorModel
import TailorScoring
import Testing

/// A node scoring its partitions one after the other returns the same top k as
/// merging every partition's full list, while later partitions are asked for less.
@Suite("Gathering a node's partitions")
struct PartitionGatherTests {
    private func candidate(_ id: String, _ score: Float) -> ScoredCandidate {
        ScoredCandidate(product: id, title: id, category: "C", brand: "", price: 1, stock: nil, score: score, signals: Signals(content: score))
    }

    private func query(k: Int) -> ScoringQuery {
        ScoringQuery(
            situation: Situation(), weights: Signals(), k: k, filters: RecommendationFilters(), placement: .homeForYou,
            nowMillis: 0, mix: false
        )
    }

    @Test("the bar rises to the k-th best score once k are held, and the merge keeps the best k")
    func raisesTheBar() {
        var gather = PartitionGather(query: Vocabulary().prepare(query(k: 3)))
        #expect(gather.next.query.minimumScore == -.infinity)
        gather.add(ScoringResult(ranked: [candidate("a", 0.9), candidate("b", 0.5)]))
        #expect(gather.next.query.minimumScore == -.infinity)
        gather.add(ScoringResult(ranked: [candidate("c", 0.7), candidate("d", 0.2)]))
        #expect(gather.next.query.minimumScore == 0.5)
        gather.add(ScoringResult(ranked: [candidate("e", 0.8)]))
        #expect(gather.next.query.minimumScore == 0.7)
        #expect(gather.merged().ranked.map(\.product) == ["a", "e", "c"])
    }
}
