/// The kinds of value a shopper fact has, which decide what a rule may do with it.
package enum FactType: String, Sendable, Hashable {
    case number
    case text
    case flag
    /// A list of texts (preferred categories, brands): `contains` asks for one.
    case textList = "list"
}

/// One named fact a segment rule may read, with its definition as the docs state it.
package struct FactDefinition: Sendable, Hashable {
    package var name: String
    package var type: FactType
    package var definition: String

    package init(_ name: String, _ type: FactType, _ definition: String) {
        self.name = name
        self.type = type
        self.definition = definition
    }
}

/// The facts a rule may name: a rule naming anything else is refused when it is
/// written, with the position of the name.
package enum FactCatalog {
    package static let all: [FactDefinition] = [
        // The live session.
        FactDefinition("pages_viewed", .number, "views, clicks and searches in this session"),
        FactDefinition("product_pages_viewed", .number, "distinct products viewed in this session"),
        FactDefinition("time_on_site_seconds", .number, "seconds from the session's first event to now"),
        FactDefinition("cart_items", .number, "units in the cart: this session's adds minus removals, less what it bought"),
        FactDefinition("cart_value", .number, "the cart's value at the prices the events carried"),
        FactDefinition("source", .text, "where the session came from, as the request's context names it (e.g. google_shopping)"),
        FactDefinition("device", .text, "mobile, desktop or tablet, as the request's context names it"),
        FactDefinition("local_hour", .number, "the shopper's local hour, 0 to 23, from the request's context"),
        FactDefinition("exit_intent", .flag, "the storefront reports the shopper is about to leave"),
        // The profile.
        FactDefinition("orders", .number, "purchase events over the shopper's history"),
        FactDefinition("lifetime_value", .number, "the sum of purchases' quantity × unit price (the product's price when the event has none)"),
        FactDefinition("average_order_value", .number, "lifetime_value / orders (0 without orders)"),
        FactDefinition("days_since_last_purchase", .number, "days from the last purchase to now (a large number without one)"),
        FactDefinition("preferred_categories", .textList, "the shopper's three heaviest categories by interest (full paths such as \"Sports > Running > Shoes\"), each with its ancestors"),
        FactDefinition("preferred_brands", .textList, "the shopper's three heaviest brands by interest"),
        FactDefinition("churn_risk", .number, "0 to 1: how likely a shopper who bought has stopped: their silence measured in their own usual purchase interval, and how long it is among the shop's purchasers (0 without a purchase)"),
    ]

    package static let byName: [String: FactDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
