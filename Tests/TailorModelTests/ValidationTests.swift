import Foundation
import TailorModel
import Testing

/// The API's limits and rules, as a client meets them: each refusal names the field.
@Suite("Request validation")
struct ValidationTests {
    /// The field a refusal names; nil when the body passes. Another error fails the test.
    private func field(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ValidationError {
            return error.field
        } catch {
            Issue.record("unexpected error \(error)")
            return "?"
        }
    }

    @Test("a valid event batch passes")
    func validEvents() {
        let batch = EventBatch(events: [
            ShopperEvent(id: "e1", type: .view, shopper: "u1", product: "p1"),
            ShopperEvent(id: "e2", type: .search, shopper: "u1", query: "running shoes"),
            ShopperEvent(id: "e3", type: .purchase, shopper: "u1", products: ["p1", "p2"], quantity: 2, price: 19.99),
        ])
        #expect(field { try batch.validate(now: .now) } == nil)
    }

    @Test("event refusals name the field")
    func eventFields() {
        #expect(field { try EventBatch(events: []).validate(now: .now) } == "events")
        #expect(field { try EventBatch(events: [ShopperEvent(type: .view, shopper: "", product: "p1")]).validate(now: .now) } == "events[0].user")
        #expect(field { try EventBatch(events: [ShopperEvent(type: .view, shopper: "u1")]).validate(now: .now) } == "events[0].product")
        #expect(field { try EventBatch(events: [ShopperEvent(type: .search, shopper: "u1")]).validate(now: .now) } == "events[0].query")
        let long = String(repeating: "x", count: Limits.maximumIDBytes + 1)
        #expect(field { try EventBatch(events: [ShopperEvent(type: .view, shopper: long, product: "p")]).validate(now: .now) } == "events[0].user")
        #expect(field { try EventBatch(events: [ShopperEvent(type: .view, shopper: "u", product: "p", quantity: 0)]).validate(now: .now) } == "events[0].quantity")
        let tooMany = (0...Limits.maximumEventsPerBatch).map { ShopperEvent(type: .view, shopper: "u", product: "p\($0)") }
        #expect(field { try EventBatch(events: tooMany).validate(now: .now) } == "events")
    }

    @Test("a click on a decision's treatment may name no product, only what was clicked; without either it is refused")
    func clickWithoutProduct() {
        #expect(field { try EventBatch(events: [ShopperEvent(type: .click, shopper: "u1", recommendationId: "AgAB")]).validate(now: .now) } == nil)
        #expect(field { try EventBatch(events: [ShopperEvent(type: .click, shopper: "u1")]).validate(now: .now) } == "events[0].product")
        #expect(field { try EventBatch(events: [ShopperEvent(type: .addToCart, shopper: "u1", recommendationId: "AgAB")]).validate(now: .now) } == "events[0].product")
    }

    @Test("an event's time may be up to ten years back (imported history) and at most an hour ahead")
    func eventTime() {
        let now = Date()
        let event = { (offset: Double) in EventBatch(events: [ShopperEvent(type: .view, shopper: "u", product: "p", at: now.addingTimeInterval(offset))]) }
        #expect(field { try event(-86_400).validate(now: now) } == nil)
        #expect(field { try event(600).validate(now: now) } == nil)
        #expect(field { try event(2 * 3_600).validate(now: now) } == "events[0].at")
        #expect(field { try event(-500 * 86_400).validate(now: now) } == nil, "last year's orders can be imported")
        #expect(field { try event(-3 * 365 * 86_400).validate(now: now) } == nil)
        #expect(field { try event(-3_653 * 86_400 + 60).validate(now: now) } == nil)
        #expect(field { try event(-3_654 * 86_400).validate(now: now) } == "events[0].at")
    }

    @Test("recommendation refusals name the field")
    func recommendationFields() {
        #expect(field { try RecommendationRequest(shopper: "u", placement: .homeForYou, k: 0).validate() } == "k")
        #expect(field { try RecommendationRequest(shopper: "u", placement: .homeForYou, k: Limits.maximumK + 1).validate() } == "k")
        #expect(field { try RecommendationRequest(shopper: "u", placement: .homeForYou, k: Limits.maximumK).validate() } == nil)
        #expect(field { try RecommendationRequest(shopper: "u", placement: .productSimilar).validate() } == "context.product")
        #expect(field { try RecommendationRequest(shopper: "u", placement: .searchRerank).validate() } == "context.candidates")
        let filters = RecommendationFilters(minPrice: 50, maxPrice: 10)
        #expect(field { try RecommendationRequest(shopper: "u", placement: .homeForYou, filters: filters).validate() } == "filters.maxPrice")
        let weights = SignalWeightOverrides(margin: -1)
        #expect(field { try RecommendationRequest(shopper: "u", placement: .homeForYou, weights: weights).validate() } == "weights.margin")
    }

    @Test("product and stock refusals name the field")
    func catalogFields() {
        let product = Product(id: "p1", title: "Shoe", categoryPath: ["Shoes"], price: 10, version: 1)
        #expect(field { try ProductBatch(products: [product]).validate() } == nil)
        var noCategory = product
        noCategory.categoryPath = []
        #expect(field { try ProductBatch(products: [noCategory]).validate() } == "products[0].categoryPath")
        var negative = product
        negative.price = -1
        #expect(field { try ProductBatch(products: [negative]).validate() } == "products[0].price")
        #expect(field { try StockBatch(stock: [StockLevel(product: "p1", quantity: -1, version: 1)]).validate() } == "stock[0].quantity")
    }

    @Test("the API's JSON spelling of enums and optional fields")
    func jsonSpelling() throws {
        let json = #"{"type":"add_to_cart","user":"u1","products":["p1","p2"],"product":"p1"}"#
        let event = try JSONDecoder().decode(ShopperEvent.self, from: Data(json.utf8))
        #expect(event.type == .addToCart)
        #expect(event.allProducts == ["p1", "p2"])
        let request = try JSONDecoder().decode(RecommendationRequest.self, from: Data(#"{"user":"u1","placement":"cart_addons"}"#.utf8))
        #expect(request.resolvedK == Limits.defaultK)
        #expect(request.resolvedStrategy == .conversion)
    }
}
