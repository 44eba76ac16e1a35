import Testing
import TailorModel
@testable import TailorOutcomes

/// A decision's outcomes: attributed like a recommendation's, in its point and
/// treatment's cell, and its impressions read back as exposures for frequency caps.
@Suite struct DecisionOutcomeTests {
    static let codec = RecommendationIDCodec(secret: nil)
    static let start: Int64 = 1_780_000_000_000
    static let hour: Int64 = 3_600_000

    static func decision(_ nonce: UInt64, point: String = "exit_offer", treatment: String = "ten_percent", at millis: Int64 = start) -> String {
        codec.encode(.decision(issuedMillis: millis, nonce: nonce, point: point, treatment: treatment))
    }

    static func event(
        _ id: String, _ type: EventType, _ products: [String] = [], at millis: Int64, from recommendation: String = "", shopper: String = "s"
    ) -> StoredEvent {
        StoredEvent(
            id: id, type: type, shopper: shopper, session: "", products: products.map { ProductRef(id: $0, price: 30, cost: 20) },
            quantity: 1, atMillis: millis, recommendationID: recommendation, unitPrice: nil
        )
    }

    @Test func aPurchaseNamingADecisionCountsForItsPointAndTreatment() {
        let offer = Self.decision(1)
        let t = Self.start
        var ledger = OutcomeLedger()
        ledger.record(Self.event("i", .impression, at: t, from: offer))
        ledger.record(Self.event("c", .click, ["p"], at: t + 1_000, from: offer))
        ledger.record(Self.event("b", .purchase, ["p"], at: t + Self.hour, from: offer))
        let key = CellKey(day: CellKey.day(ofMillis: t), placement: "exit_offer", experiment: "", variant: "ten_percent", context: "")
        let counts = ledger.cells()[key]
        #expect(counts?.impressions == 1 && counts?.clicks == 1 && counts?.purchases == 1)
        #expect(counts?.revenue == 30 && counts?.margin == 10)
    }

    @Test func exposuresAreOnePerDecisionAtItsEarliestImpression() {
        let t = Self.start
        let first = Self.decision(1), second = Self.decision(2, point: "hero", treatment: "summer", at: t + Self.hour)
        let recommendation = Self.codec.encode(RecommendationRef(issuedMillis: t, nonce: 3, placement: .homeForYou))
        var ledger = OutcomeLedger()
        // Out of order, repeated, and beside a recommendation's impression and a click.
        ledger.record(Self.event("i2", .impression, at: t + 5 * Self.hour, from: first))
        ledger.record(Self.event("i1", .impression, at: t, from: first))
        ledger.record(Self.event("i3", .impression, at: t + Self.hour, from: second))
        ledger.record(Self.event("r", .impression, ["p"], at: t, from: recommendation))
        ledger.record(Self.event("c", .click, ["p"], at: t + 2 * Self.hour, from: Self.decision(4)))
        ledger.record(Self.event("x", .impression, at: t, from: Self.decision(5), shopper: "someone else"))
        #expect(ledger.exposures(of: "s", sinceMillis: 0) == [
            Exposure(point: "exit_offer", treatment: "ten_percent", atMillis: t),
            Exposure(point: "hero", treatment: "summer", atMillis: t + Self.hour),
        ])
        // The first decision was first shown before the window: not an exposure within it.
        #expect(ledger.exposures(of: "s", sinceMillis: t + 1) == [Exposure(point: "hero", treatment: "summer", atMillis: t + Self.hour)])
        #expect(ledger.exposures(of: "nobody", sinceMillis: 0).isEmpty)
    }

    @Test func erasedImpressionsAreNoLongerExposures() {
        let t = Self.start
        var ledger = OutcomeLedger()
        ledger.record(Self.event("i1", .impression, at: t, from: Self.decision(1)))
        ledger.record(Self.event("i2", .impression, at: t + 2 * Self.hour, from: Self.decision(2, treatment: "free_shipping")))
        ledger.erase("s", atMillis: t + Self.hour)
        #expect(ledger.exposures(of: "s", sinceMillis: 0) == [Exposure(point: "exit_offer", treatment: "free_shipping", atMillis: t + 2 * Self.hour)])
        ledger.erase("s", atMillis: t + 3 * Self.hour)
        #expect(ledger.exposures(of: "s", sinceMillis: 0).isEmpty)
    }
}
