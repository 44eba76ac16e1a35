import Testing
import TailorModel
@testable import TailorJourneys

@Suite struct PointDecisionTests {
    static let now: Int64 = 1_760_000_000_000
    static let day = 86_400

    /// vip for loyal, five for ready_to_buy (once a week), welcome for new (once a day), default standard.
    static let offer = DecisionPointDefinition(
        treatments: [
            .init(id: "vip", payload: .string("vip")),
            .init(id: "five", payload: .object(["percent": .number(5)]), cap: .init(times: 1, windowSeconds: 7 * day)),
            .init(id: "welcome", payload: .string("welcome"), cap: .init(times: 2, windowSeconds: day)),
            .init(id: "standard", payload: .null),
        ],
        rules: [.init(segment: "loyal", treatment: "vip"), .init(segment: "ready_to_buy", treatment: "five"), .init(segment: "new", treatment: "welcome")],
        default: "standard"
    )

    static func decide(_ segments: [String], shown: [ShownTreatment] = [], experiment: String? = nil, variant: String? = nil) -> PointDecision {
        PointDecision.decide(
            point: "offer", definition: offer, segments: segments, shown: shown, nowMillis: now, experiment: experiment, experimentVariant: variant
        )
    }

    static func shown(_ treatment: String, hoursAgo: Int64, point: String = "offer") -> ShownTreatment {
        ShownTreatment(point: point, treatment: treatment, atMillis: now - hoursAgo * 3_600_000)
    }

    @Test("rules apply in their order, not in the order of the shopper's segments")
    func priority() {
        let decision = Self.decide(["new", "ready_to_buy", "loyal"])
        #expect(decision.treatment?.id == "vip")
        #expect(decision.segment == "loyal")
        #expect(decision.why == "the shopper is in segment 'loyal' (rule 1)")
        #expect(Self.decide(["new", "ready_to_buy"]).treatment?.id == "five")
    }

    @Test("a shopper in no segment of a rule gets the default; without a default, nothing")
    func defaults() {
        #expect(Self.decide(["browsing"]).treatment?.id == "standard")
        var bare = Self.offer
        bare.default = nil
        let decision = PointDecision.decide(point: "offer", definition: bare, segments: [], shown: [], nowMillis: Self.now)
        #expect(decision.treatment == nil)
        #expect(decision.why == "no rule applies and there is no default to show")
    }

    @Test("a capped treatment is not shown again within its window: the next rule applies, and after the window it is back")
    func caps() {
        let capped = Self.decide(["ready_to_buy", "new"], shown: [Self.shown("five", hoursAgo: 24 * 6)])
        #expect(capped.treatment?.id == "welcome")
        #expect(capped.why.contains("'five' is capped (shown 1 of 1 times in 7 d)"))
        #expect(Self.decide(["ready_to_buy"], shown: [Self.shown("five", hoursAgo: 24 * 7 + 1)]).treatment?.id == "five")
        // Two a day: once is not enough to cap it, twice is.
        #expect(Self.decide(["new"], shown: [Self.shown("welcome", hoursAgo: 1)]).treatment?.id == "welcome")
        #expect(Self.decide(["new"], shown: [Self.shown("welcome", hoursAgo: 1), Self.shown("welcome", hoursAgo: 2)]).treatment?.id == "standard")
    }

    @Test("exposures of the same treatment id on another point do not count against this point's cap")
    func capsPerPoint() {
        #expect(Self.decide(["ready_to_buy"], shown: [Self.shown("five", hoursAgo: 1, point: "exit_offer")]).treatment?.id == "five")
    }

    @Test("an experiment's variant wins over the rules; capped, nothing is shown rather than another treatment")
    func experiment() {
        let chosen = Self.decide(["loyal"], experiment: "offers", variant: "five")
        #expect(chosen.treatment?.id == "five")
        #expect(chosen.why == "experiment 'offers' chose variant 'five'")
        let capped = Self.decide(["loyal"], shown: [Self.shown("five", hoursAgo: 1)], experiment: "offers", variant: "five")
        #expect(capped.treatment == nil)
        // A variant naming no treatment of the point falls back to the rules, and says so.
        let unknown = Self.decide(["loyal"], experiment: "offers", variant: "ten")
        #expect(unknown.treatment?.id == "vip")
        #expect(unknown.why.contains("names no treatment"))
    }

    @Test("the segments a shopper is in come in priority order with the facts their rules read")
    func segmentMatches() throws {
        let rules: [(id: String, definition: SegmentDefinition, rule: SegmentRule)] = try [
            ("big", SegmentDefinition(rule: "lifetime_value > 300"), SegmentRule.parse("lifetime_value > 300")),
            ("mobile_evening", SegmentDefinition(rule: "device == 'mobile' and local_hour >= 18"), SegmentRule.parse("device == 'mobile' and local_hour >= 18")),
        ]
        let facts = ShopperFacts.of(events: [], context: ["device": "mobile", "local_hour": "19"], nowMillis: Self.now)
        let matches = SegmentMatch.matches(rules, facts: facts)
        #expect(matches.map(\.id) == ["mobile_evening"])
        #expect(matches.first?.why == ["device": .text("mobile"), "local_hour": .number(19)])
    }
}
