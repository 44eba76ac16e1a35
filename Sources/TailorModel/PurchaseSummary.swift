/// What a shopper's purchases add up to over their whole history (not only the
/// events a profile keeps): the profile facts `orders`, `lifetime_value` and the
/// purchase times churn risk reads. A purchase event is one order.
package struct PurchaseSummary: Sendable, Hashable {
    package var orders: Int = 0
    /// Σ quantity × unit price (the product's price when the event names none).
    package var value: Double = 0
    /// The first and the last purchase, ms since the epoch (0 without purchases).
    package var firstMillis: Int64 = 0
    package var lastMillis: Int64 = 0

    package init(orders: Int = 0, value: Double = 0, firstMillis: Int64 = 0, lastMillis: Int64 = 0) {
        self.orders = orders
        self.value = value
        self.firstMillis = firstMillis
        self.lastMillis = lastMillis
    }

    /// Adds one purchase event (whatever order events arrive in).
    package mutating func add(_ event: StoredEvent) {
        guard event.type == .purchase else { return }
        value += event.products.reduce(0.0) { $0 + Double(event.quantity) * (event.unitPrice ?? $1.price) }
        firstMillis = orders == 0 ? event.atMillis : min(firstMillis, event.atMillis)
        lastMillis = orders == 0 ? event.atMillis : max(lastMillis, event.atMillis)
        orders += 1
    }

    /// The mean days between purchases, nil with fewer than two.
    package var meanIntervalDays: Double? {
        orders < 2 ? nil : Double(lastMillis - firstMillis) / 86_400_000 / Double(orders - 1)
    }
}
