import Testing
import TailorModel
@testable import TailorJourneys

@Suite struct DecisionRequestTests {
    static func refusal(_ request: DecisionRequest) -> ValidationError? {
        do throws(ValidationError) {
            try request.validate()
            return nil
        } catch { return error }
    }

    @Test("points are decision point ids or placements, each once, at most 16, at most 3 placements")
    func points() {
        #expect(Self.refusal(DecisionRequest(shopper: "ava", points: ["hero", "home_for_you"])) == nil)
        #expect(Self.refusal(DecisionRequest(shopper: "ava", points: []))?.field == "points")
        #expect(Self.refusal(DecisionRequest(shopper: "ava", points: ["hero", "hero"]))?.field == "points[1]")
        #expect(Self.refusal(DecisionRequest(shopper: "ava", points: ["hero", "no/slash"]))?.field == "points[1]")
        #expect(Self.refusal(DecisionRequest(shopper: "ava", points: (0...16).map { "p\($0)" }))?.field == "points")
        #expect(Self.refusal(DecisionRequest(shopper: "ava", points: ["home_for_you", "cart_addons", "checkout_offer", "post_order_email"]))?.field == "points")
    }

    @Test("a placement's own needs are checked: product_similar needs the product, k stays within its limit, the hour is an hour")
    func placementsAndContext() {
        #expect(Self.refusal(DecisionRequest(shopper: "ava", points: ["product_similar"]))?.field == "context.product")
        #expect(Self.refusal(DecisionRequest(shopper: "ava", points: ["hero"], k: 51))?.field == "k")
        #expect(Self.refusal(DecisionRequest(shopper: "ava", context: RecommendationContext(localHour: 24), points: ["hero"]))?.field == "context.localHour")
        #expect(Self.refusal(DecisionRequest(shopper: "", points: ["hero"]))?.field == "user")
    }

    @Test("a placement's request carries the decision's shopper, session, context and k")
    func recommendation() {
        let request = DecisionRequest(shopper: "ava", session: "s1", context: RecommendationContext(device: "mobile"), points: ["home_for_you"], k: 4)
        let made = request.recommendation(.homeForYou)
        #expect(made.shopper == "ava" && made.session == "s1" && made.k == 4 && made.context?.device == "mobile" && made.placement == .homeForYou)
    }
}
