import Testing
import TailorModel
@testable import TailorJourneys

@Suite struct ShopperFactsTests {
    static let now: Int64 = 1_760_000_000_000
    static let minute: Int64 = 60_000
    static let day: Int64 = 86_400_000

    static func product(_ id: String, _ category: String = "Sports > Running > Shoes", brand: String = "Quinino", price: Double = 100) -> ProductRef {
        ProductRef(id: id, category: category, brand: brand, price: price)
    }

    static func event(
        _ type: EventType, _ products: [ProductRef], session: String = "s2", minutesAgo: Int64, quantity: Int = 1, unitPrice: Double? = nil
    ) -> StoredEvent {
        StoredEvent(
            id: "e\(minutesAgo)\(type.rawValue)", type: type, shopper: "ava", session: session, products: products,
            quantity: quantity, query: type == .search ? "trail shoes" : "", atMillis: now - minutesAgo * minute, unitPrice: unitPrice
        )
    }

    /// Two orders last month in session s1, then today's session s2: six pages, four
    /// products, two units of socks added and one taken out.
    static let history: [StoredEvent] = [
        event(.purchase, [product("shoe-a")], session: "s0", minutesAgo: 40 * 24 * 60, unitPrice: 120),
        event(.purchase, [product("sock", "Sports > Running > Socks", price: 15)], session: "s1", minutesAgo: 20 * 24 * 60, quantity: 3),
        event(.search, [], minutesAgo: 9),
        event(.view, [product("shoe-b")], minutesAgo: 8),
        event(.view, [product("shoe-c")], minutesAgo: 7),
        event(.view, [product("shoe-b")], minutesAgo: 6),
        event(.click, [product("tent", "Outdoor > Camping > Tents", brand: "Summit", price: 300)], minutesAgo: 5),
        event(.view, [product("sock", "Sports > Running > Socks", price: 15)], minutesAgo: 4),
        event(.addToCart, [product("sock", "Sports > Running > Socks", price: 15)], minutesAgo: 3, quantity: 2),
        event(.removeFromCart, [product("sock", "Sports > Running > Socks", price: 15)], minutesAgo: 2, quantity: 1),
    ]

    @Test("session facts count this session only: pages, distinct product pages, time on site, the cart")
    func sessionFacts() {
        let facts = ShopperFacts.of(events: Self.history, nowMillis: Self.now)
        #expect(facts.number("pages_viewed") == 6)
        #expect(facts.number("product_pages_viewed") == 3, "shoe-b, shoe-c, sock; a click is not a product page view")
        #expect(facts.number("time_on_site_seconds") == 9 * 60)
        #expect(facts.number("cart_items") == 1)
        #expect(facts.number("cart_value") == 15)
    }

    @Test("profile facts read the whole history: orders, lifetime and average value, days since the last purchase, preferences")
    func profileFacts() {
        let facts = ShopperFacts.of(events: Self.history, churnRisk: 1.7, nowMillis: Self.now)
        #expect(facts.number("orders") == 2)
        #expect(facts.number("lifetime_value") == 120 + 3 * 15)
        #expect(facts.number("average_order_value") == 82.5)
        #expect(facts.number("days_since_last_purchase") == 20)
        #expect(facts.number("churn_risk") == 1, "clamped to 0…1")
        // Socks: bought (8), viewed (1), added (4) = 13; shoes: bought (8), three views = 11.
        #expect(facts.list("preferred_categories").prefix(4) == ["Sports > Running > Socks", "Sports > Running", "Sports", "Sports > Running > Shoes"])
        #expect(facts.list("preferred_categories").contains("Outdoor"))
        #expect(facts.list("preferred_brands") == ["Quinino", "Summit"])
    }

    @Test("context facts come from the request; a shopper without purchases is far from their last one")
    func contextAndEmpty() {
        let facts = ShopperFacts.of(
            events: [], context: ["source": "google_shopping", "device": "mobile", "local_hour": "19", "exit_intent": "true"], nowMillis: Self.now
        )
        #expect(facts.text("source") == "google_shopping" && facts.text("device") == "mobile")
        #expect(facts.number("local_hour") == 19 && facts.flag("exit_intent"))
        #expect(facts.number("orders") == 0 && facts.number("days_since_last_purchase") == ShopperFacts.neverPurchasedDays)
        #expect(ShopperFacts.of(events: [], context: ["local_hour": "25"], nowMillis: Self.now).number("local_hour") == 0)
    }

    @Test("events without a session id form one while no gap passes 30 minutes")
    func sessionByGap() {
        let events = [
            Self.event(.view, [Self.product("a")], session: "", minutesAgo: 120),
            Self.event(.view, [Self.product("b")], session: "", minutesAgo: 20),
            Self.event(.view, [Self.product("c")], session: "", minutesAgo: 1),
        ]
        #expect(ShopperFacts.currentSession(events).count == 2)
    }

    @Test("the default segments on facts computed from events: this shopper is browsing toward a purchase, not yet ready")
    func segmentsOnComputedFacts() throws {
        let facts = ShopperFacts.of(events: Self.history, context: ["exit_intent": "true"], nowMillis: Self.now)
        let rules = Dictionary(uniqueKeysWithValues: try DefaultSegments.rules.map { ($0.id, try SegmentRule.parse($0.rule)) })
        #expect(rules["ready_to_buy"]?.holds(for: facts) == true, "6 pages, 9 minutes, 3 product pages, 1 item in the cart")
        #expect(rules["browsing"]?.holds(for: facts) == false)
        #expect(rules["loyal"]?.holds(for: facts) == false, "2 orders, not more than 3")
        #expect(rules["new"]?.holds(for: facts) == false)
    }

    @Test("a shopper back after more than 30 minutes, or under another session id, starts an empty session")
    func liveSession() {
        let later = Self.now + 31 * Self.minute
        let back = ShopperFacts.of(events: Self.history, nowMillis: later)
        #expect(back.number("pages_viewed") == 0 && back.number("cart_items") == 0)
        #expect(back.number("orders") == 2, "the profile stays")
        #expect(ShopperFacts.of(events: Self.history, context: ["session": "s9"], nowMillis: Self.now).number("pages_viewed") == 0)
        #expect(ShopperFacts.of(events: Self.history, context: ["session": "s2"], nowMillis: later).number("pages_viewed") == 6)
    }

    @Test("orders and lifetime value come from the whole history's summary, not only the events a profile keeps")
    func purchasesBeyondKeptEvents() {
        var summary = PurchaseSummary()
        for (index, price) in [40.0, 60, 80, 100, 120].enumerated() {
            summary.add(StoredEvent(
                id: "o\(index)", type: .purchase, shopper: "ava", session: "", products: [Self.product("p\(index)", price: 1)],
                atMillis: Self.now - Int64(50 - index) * Self.day, unitPrice: price
            ))
        }
        let facts = ShopperFacts.of(events: Array(Self.history.suffix(3)), purchases: summary, nowMillis: Self.now)
        #expect(facts.number("orders") == 5 && facts.number("lifetime_value") == 400 && facts.number("average_order_value") == 80)
        #expect(facts.number("days_since_last_purchase") == 46)
        #expect(summary.meanIntervalDays == 1)
    }
}
