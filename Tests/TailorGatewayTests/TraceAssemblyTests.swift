import Foundation
import TailorModel
import TailorScoring
import Testing

@testable import TailorGateway

/// How a gateway assembles a recommendation's decision trace, and how long it keeps it.
@Suite("Decision traces: assembly and retention")
struct TraceAssemblyTests {
    static func candidate(_ id: String, _ score: Float, category: String = "A") -> ScoredCandidate {
        ScoredCandidate(product: id, title: "T \(id)", category: category, brand: "", price: 10, stock: 1, score: score, signals: Signals(popularity: score))
    }

    static func item(_ candidate: ScoredCandidate, _ position: Int) -> RecommendedItem {
        RecommendedItem(
            product: candidate.product, title: candidate.title, category: candidate.category, price: candidate.price,
            score: candidate.score, signals: candidate.signals, reason: "", position: position
        )
    }

    static func assemble(
        _ request: RecommendationRequest, pool: [ScoredCandidate], trending: [ScoredCandidate] = [], unavailable: [ScoredCandidate] = [],
        pushedBack: Set<String> = [], origins: [CandidateOrigin] = [], nodeRemoved: [RemovedCandidate] = []
    ) -> RecommendationTrace {
        var notes = TraceNotes(unavailable: unavailable, ranks: pool)
        notes.pushedBack = pushedBack
        let ranked = pool.filter { !pushedBack.contains($0.product) } + pool.filter { pushedBack.contains($0.product) }
        let outcome = Diversity.explain(
            ranked: ranked, trending: trending, discovery: [], k: request.resolvedK,
            policy: DiversityPolicy(maxCategoryShare: 0.6, mix: request.mix ?? false)
        )
        notes.diversity = outcome
        let answer = RecommendationResponse(
            items: outcome.answer.enumerated().map { item($1, $0 + 1) }, coverage: Coverage(partitions: 4, answered: 4, degraded: false),
            placement: request.placement, strategy: request.resolvedStrategy, tookMs: 1
        )
        return RecommendationTrace.assemble(
            request: request, weights: Signals(popularity: 1), answer: answer, pool: ranked, notes: notes,
            origins: Dictionary(uniqueKeysWithValues: origins.map { ($0.product, $0) }), nodeRemoved: nodeRemoved, isDeleted: { $0 == "gone" }
        )
    }

    @Test("shown items carry the nodes' origins; the mix's slots say trending")
    func shownOrigins() {
        let request = RecommendationRequest(shopper: "u1", placement: .homeForYou, k: 5, mix: true)
        let pool = (1...8).map { Self.candidate("p\($0)", Float(10 - $0), category: "C\($0)") }
        let rising = Self.candidate("hot", 0.5, category: "Z")
        let trace = Self.assemble(
            request, pool: pool, trending: [rising],
            origins: [CandidateOrigin(product: "p1", source: .cooccurrence, seeds: ["s1", "s2"]), CandidateOrigin(product: "hot", source: .popularity)]
        )
        #expect(trace.shown.map(\.position) == [1, 2, 3, 4, 5])
        #expect(trace.shown.first?.origin.source == "cooccurrence")
        #expect(trace.shown.first?.origin.seeds == ["s1", "s2"])
        #expect(trace.shown.first { $0.product == "hot" }?.origin.source == "trending")
        #expect(trace.shown.first { $0.product == "p2" }?.origin.source == "unknown")
        // p5 ranked within k and gave its place to the trending product.
        #expect(trace.removed.first { $0.product == "p5" }?.removedBy == "mix")
        #expect(trace.removed.first { $0.product == "p6" }?.removedBy == "below_k")
    }

    @Test("gateway removals: out of stock, deleted, category cap, a placement rule; node removals kept")
    func removals() {
        let request = RecommendationRequest(shopper: "u1", placement: .cartAddons, k: 3)
        let pool = [
            Self.candidate("a1", 9, category: "A"), Self.candidate("a2", 8, category: "A"), Self.candidate("a3", 7, category: "A"),
            Self.candidate("cart-like", 6.5, category: "Cart"), Self.candidate("b1", 6, category: "B"), Self.candidate("b2", 1, category: "B"),
        ]
        let trace = Self.assemble(
            request, pool: pool, unavailable: [Self.candidate("sold", 9.5), Self.candidate("gone", 9.4)], pushedBack: ["cart-like"],
            nodeRemoved: [RemovedCandidate(product: "bought", title: "T bought", score: 3, signals: Signals(popularity: 3), reason: .alreadyBought)]
        )
        #expect(trace.shown.map(\.product) == ["a1", "a2", "b1"])
        let reasons = Dictionary(uniqueKeysWithValues: trace.removed.map { ($0.product, $0.removedBy) })
        #expect(reasons["sold"] == "out_of_stock")
        #expect(reasons["gone"] == "filter")
        #expect(reasons["a3"] == "category_cap")
        #expect(reasons["bought"] == "already_bought")
        #expect(reasons["b2"] == "below_k")
        #expect(zip(trace.removed, trace.removed.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(trace.removedOmitted == 0)
    }

    @Test("at most 50 removed are listed, every reason before below_k; the rest are counted")
    func removedCap() {
        let request = RecommendationRequest(shopper: "u1", placement: .homeForYou, k: 2)
        let pool = (0..<120).map { Self.candidate(String(format: "p%03d", $0), Float(200 - $0), category: "C\($0)") }
        let lowStock = Self.candidate("sold", 0.1)
        let trace = Self.assemble(request, pool: pool, unavailable: [lowStock])
        #expect(trace.removed.count == RecommendationTrace.removedLimit)
        #expect(trace.removed.contains { $0.product == "sold" && $0.removedBy == "out_of_stock" })
        #expect(trace.removedOmitted == 118 + 1 - RecommendationTrace.removedLimit)
    }

    @Test("a trace is kept for the retention, and the oldest go first past the capacity")
    func retention() {
        let trace = Self.assemble(RecommendationRequest(shopper: "u1", placement: .homeForYou, k: 1), pool: [Self.candidate("p", 1)])
        var book = TraceBook(retentionMillis: 1_000, capacity: 3)
        book.record(trace, key: "a", nowMillis: 0)
        #expect(book.trace(key: "a", nowMillis: 999) != nil)
        #expect(book.trace(key: "a", nowMillis: 1_000) == nil)
        for (offset, key) in ["b", "c", "d", "e"].enumerated() { book.record(trace, key: key, nowMillis: 2_000 + Int64(offset)) }
        #expect(book.count == 3)
        #expect(book.trace(key: "b", nowMillis: 2_010) == nil)
        #expect(book.trace(key: "e", nowMillis: 2_010) != nil)
        var off = TraceBook(retentionMillis: 0, capacity: 3)
        off.record(trace, key: "a", nowMillis: 0)
        #expect(off.count == 0)
    }

    @Test("a sample traces that share of the recommendations; an admin's are always traced while tracing is on")
    func sampling() {
        let none = TraceStore(retention: .seconds(60), sample: 0)
        #expect(!none.shouldTrace())
        #expect(none.shouldTrace(always: true))
        let every = TraceStore(retention: .seconds(60), sample: 1)
        #expect((0..<100).allSatisfy { _ in every.shouldTrace() })
        let tenth = TraceStore(retention: .seconds(60), sample: 0.1)
        let traced = (0..<10_000).filter { _ in tenth.shouldTrace() }.count
        // 1,000 expected; 5 standard deviations (30) either side.
        #expect((850...1_150).contains(traced), "\(traced) of 10,000")
        let off = TraceStore(retention: .zero, sample: 1)
        #expect(!off.shouldTrace() && !off.shouldTrace(always: true))
    }
}
