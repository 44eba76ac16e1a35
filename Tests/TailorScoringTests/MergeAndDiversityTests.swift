import Testing
import TailorModel
@testable import TailorScoring

@Suite struct MergeAndDiversityTests {
    typealias C = Fixture

    @Test func mergeInterleavesBestFirstListsAndKeepsEachProductOnce() {
        let first = [C.candidate("a", score: 0.9), C.candidate("c", score: 0.5), C.candidate("e", score: 0.1)]
        let second = [C.candidate("b", score: 0.7), C.candidate("a", score: 0.6), C.candidate("d", score: 0.4)]
        let merged = CandidateMerge.merge([first, second, []], k: 4)
        #expect(merged.map(\.product) == ["a", "b", "c", "d"])
        #expect(merged[0].score == 0.9)
        #expect(CandidateMerge.merge([first], k: 10).count == 3)
        #expect(CandidateMerge.merge([first], k: 0).isEmpty)
    }

    @Test func oneCategoryTakesAtMostItsShare() {
        let ranked = (0..<8).map { C.candidate("a\($0)", score: 1 - Float($0) / 100, category: "A") }
            + [C.candidate("b0", score: 0.5, category: "B"), C.candidate("c0", score: 0.4, category: "C")]
        let answer = Diversity.select(ranked: ranked, trending: [], discovery: [], k: 5, policy: .defaults)
        // ceil(0.6 × 5) = 3 from A, then the best of the others.
        #expect(answer.map(\.product) == ["a0", "a1", "a2", "b0", "c0"])
    }

    @Test func theCapIsRelaxedRatherThanReturningFewer() {
        let ranked = (0..<6).map { C.candidate("a\($0)", score: 1 - Float($0) / 100, category: "A") }
        let answer = Diversity.select(ranked: ranked, trending: [], discovery: [], k: 5, policy: .defaults)
        #expect(answer.map(\.product) == ["a0", "a1", "a2", "a3", "a4"])
        let tiny = Diversity.select(ranked: Array(ranked.prefix(2)), trending: [], discovery: [], k: 5, policy: .defaults)
        #expect(tiny.count == 2)
    }

    @Test func theMixGivesTrendingAndDiscoveryTheirShares() {
        let categories = ["A", "B", "C", "D", "E"]
        let ranked = (0..<20).map { C.candidate("p\($0)", score: 1 - Float($0) / 100, category: categories[$0 % 5]) }
        let trending = (0..<5).map { C.candidate("t\($0)", score: 0.3, category: categories[$0 % 5]) }
        let discovery = (0..<5).map { C.candidate("d\($0)", score: 0.2, category: categories[$0 % 5]) }
        let policy = DiversityPolicy(mix: true)
        let answer = Diversity.select(ranked: ranked, trending: trending, discovery: discovery, k: 10, policy: policy)
        #expect(answer.count == 10)
        #expect(answer.filter { $0.product.hasPrefix("p") }.count == 7)
        #expect(answer.filter { $0.product.hasPrefix("t") }.count == 2)
        #expect(answer.filter { $0.product.hasPrefix("d") }.count == 1)
        #expect(Set(answer.map(\.product)).count == 10)

        // Predicted fills what trending and discovery cannot.
        let noTrend = Diversity.select(ranked: ranked, trending: [], discovery: [], k: 10, policy: policy)
        #expect(noTrend.map(\.product) == (0..<10).map { "p\($0)" })
    }

    @Test func aProductInSeveralListsAppearsOnce() {
        let ranked = [C.candidate("x", score: 0.9, category: "A"), C.candidate("y", score: 0.8, category: "B")]
        let answer = Diversity.select(ranked: ranked, trending: ranked, discovery: ranked, k: 5, policy: DiversityPolicy(mix: true))
        #expect(answer.map(\.product) == ["x", "y"])
    }
}
