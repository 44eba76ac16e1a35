import TailorModel
import TailorScoring

extension ShopperFacts {
    /// The session is the newest event's session id; events without one (imports) are
    /// a session while no gap between them passes this.
    package static let sessionGapMillis: Int64 = 30 * 60_000
    /// `days_since_last_purchase` of a shopper who never bought.
    package static let neverPurchasedDays: Double = 100_000
    /// Preferred categories and brands: the heaviest few.
    package static let preferredCount = 3

    /// The facts of ``FactCatalog`` from a shopper's recent events (oldest first), their
    /// purchases over the whole history (`purchases`; summed from `events` when nil),
    /// the request's `context` (`source`, `device`, `local_hour`, `exit_intent`,
    /// `session`) and `churnRisk` (computed against the shop's distribution elsewhere),
    /// at `nowMillis`.
    package static func of(
        events: [StoredEvent], purchases: PurchaseSummary? = nil, context: [String: String] = [:], churnRisk: Double = 0,
        nowMillis: Int64
    ) -> ShopperFacts {
        var facts = ShopperFacts()
        let session = liveSession(events, context: context, nowMillis: nowMillis)
        let pages = session.filter { $0.type == .view || $0.type == .search || $0.type == .click }
        facts.numbers["pages_viewed"] = Double(pages.count)
        facts.numbers["product_pages_viewed"] = Double(Set(session.filter { $0.type == .view }.flatMap { $0.products.map(\.id) }).count)
        if let first = session.first {
            facts.numbers["time_on_site_seconds"] = Double(max(0, nowMillis - first.atMillis)) / 1_000
        }
        var cart: [String: (units: Int, price: Double)] = [:]
        for event in session where event.type == .addToCart || event.type == .removeFromCart || event.type == .purchase {
            for product in event.products {
                var line = cart[product.id] ?? (0, event.unitPrice ?? product.price)
                switch event.type {
                case .addToCart: line.units += event.quantity
                case .removeFromCart: line.units = max(0, line.units - event.quantity)
                default: line.units = 0  // bought: out of the cart
                }
                cart[product.id] = line
            }
        }
        facts.numbers["cart_items"] = Double(cart.values.reduce(0) { $0 + $1.units })
        facts.numbers["cart_value"] = cart.values.reduce(0) { $0 + Double($1.units) * $1.price }

        let purchases = purchases ?? events.reduce(into: PurchaseSummary()) { $0.add($1) }
        facts.numbers["orders"] = Double(purchases.orders)
        facts.numbers["lifetime_value"] = purchases.value
        facts.numbers["average_order_value"] = purchases.orders == 0 ? 0 : purchases.value / Double(purchases.orders)
        facts.numbers["days_since_last_purchase"] =
            purchases.orders == 0 ? neverPurchasedDays : Double(max(0, nowMillis - purchases.lastMillis)) / 86_400_000
        facts.numbers["churn_risk"] = min(1, max(0, churnRisk))

        var categories: [String: Double] = [:]
        var brands: [String: Double] = [:]
        for event in events where event.type != .removeFromCart && event.type != .impression {
            for product in event.products {
                if !product.category.isEmpty { categories[product.category, default: 0] += Double(event.type.interest) }
                if !product.brand.isEmpty { brands[product.brand, default: 0] += Double(event.type.interest) }
            }
        }
        // The heaviest full paths, each followed by its ancestors, so that a rule can
        // ask for "Sports" as well as "Sports > Running > Shoes".
        var preferred: [String] = []
        for path in heaviest(categories) {
            for prefix in Words.categoryPrefixes(path).reversed() where !preferred.contains(prefix) { preferred.append(prefix) }
        }
        facts.lists["preferred_categories"] = preferred
        facts.lists["preferred_brands"] = heaviest(brands)

        if let source = context["source"] { facts.texts["source"] = source }
        if let device = context["device"] { facts.texts["device"] = device }
        if let hour = context["local_hour"].flatMap(Double.init), (0..<24).contains(hour) { facts.numbers["local_hour"] = hour }
        facts.flags["exit_intent"] = context["exit_intent"] == "true"
        return facts
    }

    /// The session going on at `nowMillis`: the newest event's (``currentSession(_:)``)
    /// unless the request names another session id, or, without one, the newest event
    /// is more than ``sessionGapMillis`` old (the shopper is back: a new, empty session).
    static func liveSession(_ events: [StoredEvent], context: [String: String], nowMillis: Int64) -> ArraySlice<StoredEvent> {
        guard let newest = events.last else { return [] }
        if let named = context["session"], !named.isEmpty {
            return named == newest.session ? currentSession(events) : []
        }
        return nowMillis - newest.atMillis > sessionGapMillis ? [] : currentSession(events)
    }

    /// The newest event's session: the events with its session id, or, without one,
    /// those since the last gap longer than ``sessionGapMillis``.
    static func currentSession(_ events: [StoredEvent]) -> ArraySlice<StoredEvent> {
        guard let newest = events.last else { return [] }
        if !newest.session.isEmpty {
            var start = events.count - 1
            while start > 0, events[start - 1].session == newest.session { start -= 1 }
            return events[start...]
        }
        var start = events.count - 1
        while start > 0, events[start - 1].session.isEmpty, events[start].atMillis - events[start - 1].atMillis <= sessionGapMillis { start -= 1 }
        return events[start...]
    }

    /// The ``preferredCount`` heaviest names (ties by name), each one the shopper
    /// showed interest in.
    private static func heaviest(_ weights: [String: Double]) -> [String] {
        weights.filter { $0.value > 0 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(preferredCount).map(\.key)
    }
}
