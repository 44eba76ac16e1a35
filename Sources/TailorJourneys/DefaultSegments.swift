/// The segments a shop starts with: the personalization guide's three (Ready to Buy,
/// Browsing, Loyal), plus New and At risk. A shop edits or deletes them like its own.
package enum DefaultSegments {
    package static let rules: [(id: String, rule: String)] = [
        ("ready_to_buy", "pages_viewed > 5 and time_on_site_seconds > 180 and product_pages_viewed >= 3 and cart_items > 0"),
        ("browsing", "pages_viewed >= 2 and pages_viewed <= 4 and time_on_site_seconds < 120 and cart_items == 0 and exit_intent"),
        ("loyal", "orders > 3 and lifetime_value > 300 and days_since_last_purchase < 30"),
        ("new", "orders == 0 and pages_viewed <= 1"),
        ("at_risk", "orders >= 1 and churn_risk >= 0.7"),
    ]
}
