/// The default segments as definitions, with the guide's description of each: what
/// every gateway and node holds before a shop writes any segment.
extension DefaultSegments {
    package static let descriptions: [String: String] = [
        "ready_to_buy": "Ready to buy: more than 5 pages and more than 3 minutes on the site this session, 3 or more product pages, something in the cart.",
        "browsing": "Browsing: 2 to 4 pages in under 2 minutes, nothing in the cart, about to leave (exit intent).",
        "loyal": "Loyal: more than 3 purchases, lifetime value over 300, last purchase under 30 days ago.",
        "new": "New: no orders yet, on their first page.",
        "at_risk": "At risk: has bought before, churn risk 0.7 or more (well past their usual interval between purchases).",
    ]

    package static var definitions: [(id: String, definition: SegmentDefinition)] {
        rules.map { ($0.id, SegmentDefinition(rule: $0.rule, description: descriptions[$0.id])) }
    }
}
