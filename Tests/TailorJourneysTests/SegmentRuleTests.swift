import Testing
@testable import TailorJourneys

@Suite struct SegmentRuleTests {
    static func rule(_ id: String) throws -> SegmentRule {
        try SegmentRule.parse(try #require(DefaultSegments.rules.first { $0.id == id }).rule)
    }

    static let readyShopper = ShopperFacts(
        numbers: ["pages_viewed": 8, "time_on_site_seconds": 240, "product_pages_viewed": 4, "cart_items": 1, "cart_value": 89],
        texts: ["device": "mobile", "source": "google_shopping"]
    )

    @Test("every default segment parses, and reads only catalogued facts")
    func defaultsParse() throws {
        for (id, text) in DefaultSegments.rules {
            let rule = try SegmentRule.parse(text)
            #expect(!rule.factNames.isEmpty, "\(id)")
            #expect(rule.factNames.allSatisfy { FactCatalog.byName[$0] != nil }, "\(id)")
        }
    }

    @Test("Ready to Buy: more than 5 pages, over 3 minutes, 3+ product pages, something in the cart")
    func readyToBuy() throws {
        let rule = try Self.rule("ready_to_buy")
        #expect(rule.holds(for: Self.readyShopper))
        var emptyCart = Self.readyShopper
        emptyCart.numbers["cart_items"] = 0
        #expect(!rule.holds(for: emptyCart))
        var quick = Self.readyShopper
        quick.numbers["time_on_site_seconds"] = 180
        #expect(!rule.holds(for: quick), "more than 3 minutes, not 3 minutes exactly")
        #expect(rule.factNames == ["pages_viewed", "time_on_site_seconds", "product_pages_viewed", "cart_items"])
    }

    @Test("Browsing: 2 to 4 pages, under 2 minutes, nothing in the cart, about to leave")
    func browsing() throws {
        let rule = try Self.rule("browsing")
        let browsing = ShopperFacts(numbers: ["pages_viewed": 3, "time_on_site_seconds": 70], flags: ["exit_intent": true])
        #expect(rule.holds(for: browsing))
        var staying = browsing
        staying.flags["exit_intent"] = false
        #expect(!rule.holds(for: staying))
        var deeper = browsing
        deeper.numbers["pages_viewed"] = 5
        #expect(!rule.holds(for: deeper))
    }

    @Test("Loyal: more than 3 purchases, lifetime value above 300, last purchase within 30 days")
    func loyal() throws {
        let rule = try Self.rule("loyal")
        let loyal = ShopperFacts(numbers: ["orders": 5, "lifetime_value": 420, "days_since_last_purchase": 12])
        #expect(rule.holds(for: loyal))
        var lapsed = loyal
        lapsed.numbers["days_since_last_purchase"] = 45
        #expect(!rule.holds(for: lapsed))
        var small = loyal
        small.numbers["lifetime_value"] = 300
        #expect(!rule.holds(for: small))
    }

    @Test("New and At risk")
    func newAndAtRisk() throws {
        #expect(try Self.rule("new").holds(for: ShopperFacts(numbers: ["pages_viewed": 1])))
        #expect(try !Self.rule("new").holds(for: ShopperFacts(numbers: ["pages_viewed": 1, "orders": 1])))
        #expect(try Self.rule("at_risk").holds(for: ShopperFacts(numbers: ["orders": 2, "churn_risk": 0.8])))
        #expect(try !Self.rule("at_risk").holds(for: ShopperFacts(numbers: ["orders": 2, "churn_risk": 0.4])))
        #expect(try !Self.rule("at_risk").holds(for: ShopperFacts(numbers: ["churn_risk": 0.9])), "no purchase, nothing to lose")
    }

    @Test("or binds looser than and; not and parentheses; texts, lists and flags")
    func precedenceAndKinds() throws {
        let rule = try SegmentRule.parse(#"device == "mobile" and source in ["google_shopping", 'meta'] or not (cart_value <= 50) and preferred_brands contains "Quinino""#)
        #expect(rule == .any([
            .all([.textEquals(fact: "device", "mobile", negated: false), .textIn(fact: "source", ["google_shopping", "meta"], negated: false)]),
            .all([.not(.compare(fact: "cart_value", .lessOrEqual, 50)), .contains(fact: "preferred_brands", "Quinino")]),
        ]))
        #expect(rule.holds(for: Self.readyShopper))
        var desktop = Self.readyShopper
        desktop.texts["device"] = "desktop"
        #expect(!rule.holds(for: desktop))
        desktop.lists["preferred_brands"] = ["Quinino"]
        #expect(rule.holds(for: desktop))
        #expect(try SegmentRule.parse("exit_intent != true") == .flag(fact: "exit_intent", false))
        #expect(try SegmentRule.parse(#"device not in ["tablet"]"#).holds(for: Self.readyShopper))
    }

    @Test("a bad rule is refused with the position and the reason", arguments: [
        ("", 1, "at least one condition"),
        ("cart_valu > 3", 1, "'cart_valu' is not a fact"),
        (#"cart_value > "x""#, 14, "cart_value is a number: compare it with a number"),
        ("pages_viewed = 3", 14, "'=' is not an operator"),
        ("(orders > 1", 12, "expected ')' to close the '(' at 1"),
        (#"device in ["mobile""#, 20, "expected ',' or ']'"),
        ("device > 3", 8, "device is a text"),
        ("preferred_brands == 'x'", 18, "is a list"),
        ("orders > 1 orders < 3", 12, "expected 'and', 'or' or the end"),
        ("orders > 1 and", 15, "expected a fact's name, found the end of the rule"),
        (#"source == "unclosed"#, 11, "a text is not closed"),
        ("orders > 1 ; drop", 12, "unexpected character ';'"),
    ])
    func refusals(text: String, position: Int, problem: String) {
        let error = #expect(throws: RuleError.self) { try SegmentRule.parse(text) }
        #expect(error?.position == position, "\(text): \(String(describing: error))")
        #expect(error?.problem.contains(problem) == true, "\(text): \(String(describing: error))")
    }

    @Test("a rule over the length limit is refused before it is read")
    func lengthLimit() {
        let long = Array(repeating: "orders > 1", count: 300).joined(separator: " and ")
        #expect(throws: RuleError.self) { try SegmentRule.parse(long) }
    }
}
