import Testing
import TailorModel
@testable import TailorScoring

@Suite struct SituationBuilderTests {
    let history = Situation(
        items: [.init(product: "old1", weight: 5), .init(product: "old2", weight: 3)],
        categoryAffinity: ["Home": 1, "Home > Lamps": 1], brandAffinity: ["Lux": 1], typicalPrice: 40,
        purchased: ["bought1", "bought2"], queryTerms: ["lamp"]
    )
    let anchor = ProductRef(id: "shoe", category: "Shoes > Running", brand: "Acme", price: 120)
    let sock = ProductRef(id: "sock", category: "Apparel > Socks", brand: "Knit", price: 10)

    @Test func theContextOutweighsTheHistory() {
        let request = RecommendationRequest(shopper: "u", placement: .productSimilar, context: .init(product: "shoe", query: "Trail shoes"))
        let merged = SituationBuilder.merge(profile: history, request: request, anchor: anchor, cart: [])
        #expect(merged.items.first?.product == "shoe")
        #expect(merged.items[0].weight > 5)
        #expect(merged.items.map(\.product) == ["shoe", "old1", "old2"])
        #expect(merged.categoryAffinity["Shoes > Running"] == 1)
        #expect((merged.categoryAffinity["Home > Lamps"] ?? 0) < (merged.categoryAffinity["Shoes"] ?? 0))
        #expect(merged.brandAffinity["Acme"] == 1)
        #expect(merged.exclude == ["shoe"])
        #expect(merged.queryTerms == ["trail", "shoes"])
        #expect(merged.typicalPrice == 120)
    }

    @Test func cartPlacementsSeedWithTheCartAndExcludeIt() {
        let request = RecommendationRequest(shopper: "u", placement: .cartAddons, context: .init(cart: ["shoe", "sock"]))
        let merged = SituationBuilder.merge(profile: history, request: request, anchor: nil, cart: [anchor, sock])
        #expect(Array(merged.items.prefix(2).map(\.product)) == ["shoe", "sock"])
        #expect(Set(merged.exclude) == ["shoe", "sock"])
        #expect(merged.purchased == ["bought1", "bought2"])
    }

    @Test func aPostOrderEmailSeedsWithTheLatestPurchases() {
        let request = RecommendationRequest(shopper: "u", placement: .postOrderEmail)
        let merged = SituationBuilder.merge(profile: history, request: request, anchor: nil, cart: [])
        #expect(Array(merged.items.prefix(2).map(\.product)) == ["bought2", "bought1"])
        #expect(merged.items[0].weight > 5)
    }

    @Test func aSearchRerankCarriesItsCandidates() {
        let request = RecommendationRequest(shopper: "u", placement: .searchRerank, context: .init(query: "red lamp", candidates: ["l1", "l2"]))
        let merged = SituationBuilder.merge(profile: history, request: request, anchor: nil, cart: [])
        #expect(merged.candidates == ["l1", "l2"])
        #expect(merged.queryTerms == ["red", "lamp"])
        #expect(merged.categoryAffinity == history.categoryAffinity)
    }
}

@Suite struct SituationContextTests {
    @Test("context products the gateway could not enrich are still excluded, in the request's order")
    func unenrichedContextIsExcluded() {
        let request = RecommendationRequest(
            shopper: "u", placement: .cartAddons, context: .init(product: "page", cart: ["c1", "c2"], query: "lamp")
        )
        let context = SituationContext(request: request, anchor: nil, cart: [ProductRef(id: "c2")])
        #expect(context.exclude == ["page", "c1"])
        #expect(context.query == "lamp")
        let merged = SituationBuilder.merge(profile: Situation(), context: context)
        #expect(merged.exclude == ["c2", "page", "c1"])
        #expect(merged == SituationBuilder.merge(profile: Situation(), request: request, anchor: nil, cart: [ProductRef(id: "c2")]))
    }
}
