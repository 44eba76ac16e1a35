import Testing
import TailorModel
import TailorTrust
@testable import TailorOutcomes

/// The attribution rules (``Attribution``): what a merchandiser's report credits to
/// which recommendation.
@Suite struct AttributionTests {
    static let codec = RecommendationIDCodec(secret: nil)
    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000
    static let start: Int64 = 1_780_000_000_000

    static func recommendation(_ nonce: UInt64, at millis: Int64 = start, placement: Placement = .productSimilar, variant: String = "", propensity: Float = 1) -> String {
        codec.encode(RecommendationRef(
            issuedMillis: millis, nonce: nonce, placement: placement, experiment: variant.isEmpty ? "" : "e", variant: variant, propensity: propensity
        ))
    }

    static func event(
        _ id: String, _ type: EventType, _ products: [String], at millis: Int64, from recommendation: String = "",
        quantity: Int = 1, unitPrice: Double? = nil, price: Double = 10, cost: Double? = 6
    ) -> StoredEvent {
        StoredEvent(
            id: id, type: type, shopper: "s", session: "", products: products.map { ProductRef(id: $0, price: price, cost: cost) },
            quantity: quantity, atMillis: millis, recommendationID: recommendation, unitPrice: unitPrice
        )
    }

    static func key(_ id: String) -> String {
        let ref = RecommendationIDCodec.fields(ofID: id)!
        return "\(ref.issuedMillis):\(ref.nonce)"
    }

    @Test func aPurchaseGoesToTheRecommendationItWasClickedThrough() {
        let r1 = Self.recommendation(1)
        let t = Self.start
        let outcomes = Attribution.outcomes(of: [
            Self.event("i", .impression, ["p", "q"], at: t, from: r1),
            Self.event("c", .click, ["p"], at: t + 60_000, from: r1),
            Self.event("b", .purchase, ["p"], at: t + 2 * Self.day, quantity: 2),
        ])
        let outcome = outcomes[Self.key(r1)]!
        #expect(outcome.shown && outcome.clicks == 1 && outcome.purchases == 1)
        #expect(outcome.revenue == 20 && outcome.margin == 8)
    }

    @Test func theClickWindowEndsAfterSevenDaysAndViewThroughAfterADay() {
        let r1 = Self.recommendation(1)
        let t = Self.start
        let late = Attribution.outcomes(of: [
            Self.event("i", .impression, ["p"], at: t, from: r1),
            Self.event("c", .click, ["p"], at: t, from: r1),
            Self.event("b", .purchase, ["p"], at: t + 8 * Self.day),
        ])
        #expect(late[Self.key(r1)]!.purchases == 0)

        let seen = [Self.event("i", .impression, ["p"], at: t, from: r1)]
        #expect(Attribution.outcomes(of: seen + [Self.event("b", .purchase, ["p"], at: t + 23 * Self.hour)])[Self.key(r1)]!.purchases == 1)
        #expect(Attribution.outcomes(of: seen + [Self.event("b", .purchase, ["p"], at: t + 25 * Self.hour)])[Self.key(r1)]!.purchases == 0)
    }

    @Test func windowsAreConfigurable() {
        let r1 = Self.recommendation(1)
        let t = Self.start
        let events = [
            Self.event("i", .impression, ["p"], at: t, from: r1),
            Self.event("c", .click, ["p"], at: t, from: r1),
            Self.event("b", .purchase, ["p"], at: t + 2 * Self.hour),
        ]
        let short = AttributionWindows(clickThroughMillis: Self.hour, viewThroughMillis: Self.hour)
        #expect(Attribution.outcomes(of: events, windows: short)[Self.key(r1)]!.purchases == 0)
        #expect(Attribution.outcomes(of: events)[Self.key(r1)]!.purchases == 1)
    }

    @Test func clickThroughBeatsALaterViewAndTheLatestClickWins() {
        let r1 = Self.recommendation(1), r2 = Self.recommendation(2), r3 = Self.recommendation(3)
        let t = Self.start
        let outcomes = Attribution.outcomes(of: [
            Self.event("c1", .click, ["p"], at: t, from: r1),
            Self.event("c2", .click, ["p"], at: t + 1_000, from: r2),
            Self.event("i3", .impression, ["p"], at: t + 2_000, from: r3),
            Self.event("b", .purchase, ["p"], at: t + 3_000),
        ])
        #expect(outcomes[Self.key(r1)]!.purchases == 0)
        #expect(outcomes[Self.key(r2)]!.purchases == 1)
        #expect(outcomes[Self.key(r3)]!.purchases == 0)
    }

    @Test func aPurchaseCountsOnceAndOnlyItsTiedItemsEarn() {
        let r1 = Self.recommendation(1)
        let t = Self.start
        let outcomes = Attribution.outcomes(of: [
            Self.event("i", .impression, ["p"], at: t, from: r1),
            Self.event("c", .click, ["p"], at: t + 1, from: r1),
            Self.event("c'", .click, ["p"], at: t + 2, from: r1),
            // A basket of p and r: only p came from the recommendation.
            Self.event("b", .purchase, ["p", "r"], at: t + 3),
        ])
        let outcome = outcomes[Self.key(r1)]!
        #expect(outcome.purchases == 1 && outcome.clicks == 2)
        #expect(outcome.revenue == 10)
    }

    @Test func aPurchaseNamingItsRecommendationWinsAndEarnsEveryItem() {
        let r1 = Self.recommendation(1), r2 = Self.recommendation(2)
        let t = Self.start
        let outcomes = Attribution.outcomes(of: [
            Self.event("c", .click, ["p"], at: t + 5, from: r2),
            Self.event("b", .purchase, ["p", "r"], at: t + 6, from: r1),
        ])
        #expect(outcomes[Self.key(r1)]!.purchases == 1 && outcomes[Self.key(r1)]!.revenue == 20)
        #expect(outcomes[Self.key(r2)]!.purchases == 0)
    }

    @Test func theSentUnitPriceCountsAndAnItemWithoutCostAddsNoMargin() {
        let r1 = Self.recommendation(1)
        let t = Self.start
        let paid = Attribution.outcomes(of: [
            Self.event("i", .impression, ["p"], at: t, from: r1),
            Self.event("b", .purchase, ["p"], at: t + 1, quantity: 3, unitPrice: 12),
        ])[Self.key(r1)]!
        #expect(paid.revenue == 36 && paid.margin == 18)
        let costless = Attribution.outcomes(of: [
            Self.event("i", .impression, ["p"], at: t, from: r1, cost: nil),
            Self.event("b", .purchase, ["p"], at: t + 1, cost: nil),
        ])[Self.key(r1)]!
        #expect(costless.revenue == 10 && costless.margin == 0)
    }

    @Test func aRecommendationShownTwiceIsOneImpressionInTheCellOfItsDay() {
        let r1 = Self.recommendation(1, at: Self.start, variant: "a", propensity: 0.25)
        let t = Self.start
        let cells = Attribution.cells(of: Attribution.outcomes(of: [
            Self.event("i1", .impression, ["p"], at: t, from: r1),
            Self.event("i2", .impression, ["q"], at: t + 1, from: r1),
            // The next day's click still counts for the day it was recommended.
            Self.event("c", .click, ["q"], at: t + Self.day, from: r1),
        ]))
        let key = CellKey(day: CellKey.day(ofMillis: t), placement: "product_similar", experiment: "e", variant: "a")
        #expect(cells.count == 1)
        let counts = cells[key]!
        #expect(counts.impressions == 1 && counts.clicks == 1)
        #expect(counts[.clicks].sum == 1 && counts.weights == 4 && counts[.clicks].weighted == 4)
    }

    @Test func eventsWithoutARecommendationOrWithAForeignIDEarnNothing() {
        let t = Self.start
        let outcomes = Attribution.outcomes(of: [
            Self.event("v", .view, ["p"], at: t),
            Self.event("c", .click, ["p"], at: t + 1, from: "not-an-id"),
            Self.event("b", .purchase, ["p"], at: t + 2),
        ])
        #expect(outcomes.isEmpty)
    }
}

/// The partition's ledger: counts that are a function of the event set.
@Suite struct OutcomeLedgerTests {
    static func events() -> [StoredEvent] {
        var events: [StoredEvent] = []
        let t = AttributionTests.start
        for shopper in 0..<20 {
            let id = AttributionTests.recommendation(UInt64(shopper), variant: shopper % 2 == 0 ? "a" : "b", propensity: 0.5)
            for (index, type) in [EventType.impression, .click, .addToCart, .purchase].enumerated() where shopper % (index + 1) == 0 {
                var event = AttributionTests.event(
                    "\(shopper)-\(index)", type, ["p\(shopper % 3)"], at: t + Int64(index) * 1_000, from: type == .purchase ? "" : id,
                    price: 9.99 + Double(shopper), cost: 4.5
                )
                event.shopper = "s\(shopper)"
                events.append(event)
            }
        }
        return events
    }

    @Test func anyArrivalOrderAndRetriesGiveTheSameBits() {
        let events = Self.events()
        var inOrder = OutcomeLedger()
        for event in events { inOrder.record(event) }
        var generator = SeededGenerator(seed: 7)
        var shuffled = OutcomeLedger()
        for event in (events + events.prefix(10)).shuffled(using: &generator) { shuffled.record(event) }
        let (ordered, mixed) = (inOrder.cells(), shuffled.cells())
        #expect(ordered == mixed)
        #expect(inOrder.eventCount == events.count && shuffled.eventCount == events.count)
        #expect(ordered.values.reduce(0) { $0 + $1.impressions } == 20)
    }

    @Test func viewsAndPlainClicksAreNotKept() {
        var ledger = OutcomeLedger()
        let view = ledger.record(AttributionTests.event("v", .view, ["p"], at: 1))
        let plainClick = ledger.record(AttributionTests.event("c", .click, ["p"], at: 1))
        #expect(!view && !plainClick)
        #expect(ledger.eventCount == 0)
    }

    @Test func anErasureRemovesTheShoppersOutcomes() {
        var ledger = OutcomeLedger()
        for event in Self.events() { ledger.record(event) }
        let before = ledger.cells().values.reduce(0) { $0 + $1.impressions }
        ledger.erase("s0", atMillis: AttributionTests.start + 10_000)
        let after = ledger.cells().values.reduce(0) { $0 + $1.impressions }
        #expect(after == before - 1)
        #expect(!ledger.holds("s0"))
    }
}

/// `recommendationId`s: self-describing, refused when this cluster did not make them.
@Suite struct RecommendationIDTests {
    @Test func anIDReadsBackAndAForgedOneIsRefused() throws {
        let codec = RecommendationIDCodec(secret: try ClusterSecret(text: String(repeating: "k", count: 40)))
        let ref = RecommendationRef(
            issuedMillis: 1_780_000_000_123, nonce: 42, placement: .cartAddons, experiment: "exp-1", variant: "margin", context: "mobile",
            propensity: 0.3
        )
        let id = codec.encode(ref)
        #expect(codec.decode(id) == ref)
        // Another cluster's secret, or one changed byte, does not read.
        let other = RecommendationIDCodec(secret: try ClusterSecret(text: String(repeating: "x", count: 40)))
        #expect(other.decode(id) == nil)
        var bytes = Array(id.utf8)
        bytes[12] = bytes[12] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(codec.decode(String(decoding: bytes, as: UTF8.self)) == nil)
        #expect(codec.decode("") == nil && codec.decode("hello") == nil)
    }
}

/// The sample ratio check counts shoppers, whose assignment is the random unit.
@Suite struct ExperimentResultsTests {
    static let definition = ExperimentDefinition(
        placements: [.homeForYou], objective: .conversions, allocation: .fixed,
        variants: [.init(name: "a", share: 0.5), .init(name: "b", share: 0.5)]
    )

    static func cells(impressionsA: Int64, impressionsB: Int64) -> OutcomeCells {
        var a = CellCounts(), b = CellCounts()
        a.impressions = impressionsA
        b.impressions = impressionsB
        return [
            CellKey(day: 1, placement: "home_for_you", experiment: "e", variant: "a"): a,
            CellKey(day: 1, placement: "home_for_you", experiment: "e", variant: "b"): b,
        ]
    }

    @Test func aLoyalShoppersManyVisitsAreNotAMismatch() throws {
        // Balanced shoppers; one variant's shoppers came back more often.
        let results = ExperimentResults(
            definition: Self.definition, cells: Self.cells(impressionsA: 3_236, impressionsB: 2_764),
            shoppers: ["a": 1_010, "b": 990], shares: ["": [0.5, 0.5]], seed: 1
        )
        let check = try #require(results.sampleRatio)
        #expect(!check.mismatch && check.observed == [1_010, 990])
    }

    @Test func aSkewedSplitOfShoppersIsFlagged() throws {
        let results = ExperimentResults(
            definition: Self.definition, cells: Self.cells(impressionsA: 1_000, impressionsB: 1_000),
            shoppers: ["a": 1_100, "b": 900], shares: ["": [0.5, 0.5]], seed: 1
        )
        #expect(try #require(results.sampleRatio).mismatch)
        #expect(results.variants.map(\.shoppers) == [1_100, 900])
    }

    @Test func theLedgerCountsEachShopperOncePerVariant() {
        var ledger = OutcomeLedger()
        for event in OutcomeLedgerTests.events() { ledger.record(event) }
        let shoppers = ledger.shoppersByVariant()
        #expect(shoppers[VariantKey(experiment: "e", variant: "a")] == 10)
        #expect(shoppers[VariantKey(experiment: "e", variant: "b")] == 10)
    }
}
