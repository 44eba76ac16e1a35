import TailorModel
@testable import TailorScoring
import Testing

/// A node prepares a request once with its shared vocabulary and every partition
/// scores the prepared codes: the answers must be those of each partition
/// looking the request's strings up itself.
@Suite("A node's shared vocabulary")
struct VocabularyTests {
    /// Two partitions of one node, with co-occurrence, brands, categories and words.
    private func node() -> (Vocabulary, [CatalogIndex]) {
        let vocabulary = Vocabulary()
        var first = CatalogIndex(vocabulary: vocabulary)
        var second = CatalogIndex(vocabulary: vocabulary)
        let products = [
            Fixture.product("a", ["Shoes", "Running"], brand: "Acme", title: "Trail runner"),
            Fixture.product("b", ["Shoes", "Hiking"], brand: "Peak", title: "Hiking boot"),
            Fixture.product("c", ["Bags", "Daypacks"], brand: "Acme", title: "Day pack"),
            Fixture.product("d", ["Shoes", "Running"], brand: "Zoom", price: 150, title: "Road runner"),
            Fixture.product("e", ["Shoes", "Running", "Spikes"], brand: "Acme", price: 90, title: "Track spike"),
        ]
        for (position, product) in products.enumerated() {
            if position % 2 == 0 { _ = first.upsert(product) } else { _ = second.upsert(product) }
        }
        let pairs = Fixture.contributions("e1", interactions: [("a", 2), ("b", 1)], pairs: [("a", "b", 1), ("a", "d", 2), ("b", "c", 1)])
        _ = first.apply(pairs) { _ in true }
        _ = second.apply(pairs) { _ in true }
        return (vocabulary, [first, second])
    }

    private var situation: Situation {
        Situation(
            items: [.init(product: "a", weight: 1), .init(product: "b", weight: 0.5), .init(product: "never-seen", weight: 1)],
            categoryAffinity: ["Shoes": 0.6, "Shoes > Running": 0.9, "Unknown": 1], brandAffinity: ["Acme": 0.4],
            typicalPrice: 120, purchased: ["c"], exclude: ["a"], queryTerms: ["runner", "zzz"]
        )
    }

    @Test("a query prepared once scores as each partition preparing it itself")
    func preparedOnceEqualsPreparedPerPartition() {
        let (vocabulary, indexes) = node()
        for filters in [RecommendationFilters(), RecommendationFilters(category: "shoes")] {
            let query = Fixture.query(situation, filters: filters)
            let prepared = vocabulary.prepare(query)
            for index in indexes {
                var scratch = ScoringScratch()
                let once = index.score(prepared, scratch: &scratch)
                let own = Fixture.score(index, query)
                #expect(once.ranked == own.ranked)
                #expect(!own.ranked.isEmpty)
                #expect(!once.ranked.contains { $0.product == "a" || $0.product == "c" })
            }
        }
    }

    @Test("a query prepared with another node's vocabulary is not misread")
    func foreignPreparationIsPreparedAgain() {
        let (_, indexes) = node()
        // Another vocabulary codes the same strings differently.
        let foreign = Vocabulary()
        _ = foreign.product("zz")
        _ = foreign.product("d")
        let query = Fixture.query(situation)
        var scratch = ScoringScratch()
        #expect(indexes[1].score(foreign.prepare(query), scratch: &scratch).ranked == Fixture.score(indexes[1], query).ranked)
    }

    @Test("the collaborative signal names its source across partitions")
    func collaborativeSourceIsNamed() {
        let (vocabulary, indexes) = node()
        var scratch = ScoringScratch()
        let result = indexes[1].score(vocabulary.prepare(Fixture.query(situation)), scratch: &scratch)
        let d = result.ranked.first { $0.product == "d" }
        #expect(d?.becauseOf == "a")
        #expect((d?.signals.collaborative ?? 0) > 0)
    }
}
