import TailorModel

/// The personalization guide's example journey, as the demo shop's decision points:
/// what a page asks for a first-time mobile visitor from Google Shopping at 19:45
/// (homepage variant, hero, product feed — the `home_for_you` placement —, discount
/// offer, exit offer), plus the Ready to Buy segment's shipping offer and urgency
/// badge. Treatments are the guide's; payloads are what a storefront would render.
package enum GuideJourney {
    typealias Treatment = DecisionPointDefinition.Treatment
    typealias Rule = DecisionPointDefinition.Rule

    static let day = 86_400

    private static func payload(_ fields: [String: String]) -> JSONValue {
        .object(fields.mapValues { .string($0) })
    }

    package static let decisionPoints: [(id: String, definition: DecisionPointDefinition)] = [
        ("homepage_variant", DecisionPointDefinition(
            description: "The home page's layout",
            treatments: [
                Treatment(id: "vip_home", payload: payload(["layout": "vip", "headline": "Early access for our best customers"])),
                Treatment(id: "quick_checkout_home", payload: payload(["layout": "cart_first", "headline": "Your cart is waiting"])),
                Treatment(id: "discovery_home", payload: payload(["layout": "discovery", "headline": "Bestsellers and new arrivals"])),
                Treatment(id: "standard_home", payload: payload(["layout": "standard"])),
            ],
            rules: [Rule(segment: "loyal", treatment: "vip_home"), Rule(segment: "ready_to_buy", treatment: "quick_checkout_home"),
                    Rule(segment: "new", treatment: "discovery_home"), Rule(segment: "browsing", treatment: "discovery_home")],
            default: "standard_home"
        )),
        ("hero", DecisionPointDefinition(
            description: "The hero banner's content",
            treatments: [
                Treatment(id: "vip_early_access", payload: payload(["title": "VIP early access", "cta": "Shop the new collection first"])),
                Treatment(id: "welcome_bestsellers", payload: payload(["title": "Welcome: our bestsellers", "cta": "Start here"])),
                Treatment(id: "buying_guide", payload: payload(["title": "Not sure yet? Read our buying guides", "cta": "Learn more"])),
                Treatment(id: "we_miss_you", payload: payload(["title": "We saved something for you", "cta": "See what's new"])),
                Treatment(id: "seasonal", payload: payload(["title": "This season's picks", "cta": "Browse"])),
            ],
            rules: [Rule(segment: "loyal", treatment: "vip_early_access"), Rule(segment: "at_risk", treatment: "we_miss_you"),
                    Rule(segment: "new", treatment: "welcome_bestsellers"), Rule(segment: "browsing", treatment: "buying_guide")],
            default: "seasonal"
        )),
        ("discount_offer", DecisionPointDefinition(
            description: "An incentive, at most once a week per shopper and offer",
            treatments: [
                Treatment(id: "five_percent", payload: payload(["code": "READY5", "percent": "5"]), cap: .init(times: 1, windowSeconds: 7 * day)),
                Treatment(id: "newsletter_fifteen", payload: payload(["percent": "15", "condition": "newsletter signup"]),
                          cap: .init(times: 1, windowSeconds: 7 * day)),
                Treatment(id: "win_back_ten", payload: payload(["code": "BACK10", "percent": "10"]), cap: .init(times: 1, windowSeconds: 30 * day)),
                Treatment(id: "loyalty_multiplier", payload: payload(["points": "2x"])),
            ],
            rules: [Rule(segment: "ready_to_buy", treatment: "five_percent"), Rule(segment: "browsing", treatment: "newsletter_fifteen"),
                    Rule(segment: "at_risk", treatment: "win_back_ten"), Rule(segment: "loyal", treatment: "loyalty_multiplier")]
        )),
        ("shipping_offer", DecisionPointDefinition(
            description: "Free shipping for a shopper about to buy",
            treatments: [Treatment(id: "free_shipping", payload: payload(["message": "Free shipping on this order"]))],
            rules: [Rule(segment: "ready_to_buy", treatment: "free_shipping")]
        )),
        ("urgency_badge", DecisionPointDefinition(
            description: "A scarcity badge on product pages",
            treatments: [Treatment(id: "stock_limited", payload: payload(["badge": "Only a few left"]))],
            rules: [Rule(segment: "ready_to_buy", treatment: "stock_limited")]
        )),
        ("exit_offer", DecisionPointDefinition(
            description: "What a shopper about to leave is offered, at most once a day",
            treatments: [
                Treatment(id: "same_day_delivery", payload: payload(["message": "Order in the next hour for same-day delivery"]),
                          cap: .init(times: 1, windowSeconds: day)),
                Treatment(id: "email_capture", payload: payload(["message": "Get 15% off: leave us your email"]),
                          cap: .init(times: 1, windowSeconds: day)),
                Treatment(id: "welcome_ten", payload: payload(["code": "WELCOME10", "percent": "10"]), cap: .init(times: 1, windowSeconds: day)),
            ],
            rules: [Rule(segment: "ready_to_buy", treatment: "same_day_delivery"), Rule(segment: "browsing", treatment: "email_capture"),
                    Rule(segment: "new", treatment: "welcome_ten")]
        )),
    ]

    /// The points a page of the guide's example asks for, with the product feed.
    package static let pagePoints = ["homepage_variant", "hero", "discount_offer", "exit_offer", "urgency_badge", "home_for_you"]
}
