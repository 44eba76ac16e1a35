import TailorModel
import TailorOutcomes
import Testing

/// The attribution rules on one shopper's events, each rule with the smallest history
/// that tells it apart from the others.
struct AttributionRulesTests {
    static let codec = RecommendationIDCodec(secret: nil)

    static func id(_ nonce: UInt64, at millis: Int64) -> String {
        codec.encode(RecommendationRef(issuedMillis: millis, nonce: nonce, placement: .homeForYou, experiment: "e", variant: "v\(nonce)"))
    }

    static func event(
        _ id: String, _ type: EventType, _ product: String, at millis: Int64, rec: String = "", quantity: Int = 1, price: Double? = nil
    ) -> StoredEvent {
        StoredEvent(
            id: id, type: type, shopper: "s", session: "", products: [ProductRef(id: product, price: 10, cost: 6)],
            quantity: quantity, atMillis: millis, recommendationID: rec, unitPrice: price
        )
    }

    @Test("a purchase goes to the recommendation clicked through before one that only showed the item; revenue is price × quantity")
    func clickThroughBeatsViewThrough() {
        let clicked = Self.id(1, at: 1_000), shown = Self.id(2, at: 2_000)
        let events = [
            Self.event("i1", .impression, "a", at: 1_000, rec: clicked),
            Self.event("c1", .click, "a", at: 1_500, rec: clicked),
            Self.event("i2", .impression, "a", at: 2_000, rec: shown),
            Self.event("p", .purchase, "a", at: 3_000, quantity: 2, price: 12),
        ]
        let outcomes = Attribution.outcomes(of: events).values
        let winner = outcomes.first { $0.ref.variant == "v1" }
        let other = outcomes.first { $0.ref.variant == "v2" }
        #expect(winner?.purchases == 1 && winner?.revenue == 24 && winner?.margin == 12)
        #expect(other?.purchases == 0 && other?.shown == true)
    }

    @Test("a purchase of an item no recommendation showed or clicked is attributed to none")
    func unrelatedPurchaseIsNobodys() {
        let rec = Self.id(1, at: 1_000)
        let events = [
            Self.event("i1", .impression, "a", at: 1_000, rec: rec),
            Self.event("p", .purchase, "b", at: 2_000, price: 5),
        ]
        #expect(Attribution.outcomes(of: events).values.allSatisfy { $0.purchases == 0 && $0.revenue == 0 })
    }
}
