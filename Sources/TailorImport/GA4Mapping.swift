import Foundation
import TailorModel

/// Bodies shaped like GA4's Measurement Protocol (`{client_id, user_id?,
/// timestamp_micros?, events: [{name, params: {items, transaction_id, search_term}}]}`),
/// one per line of a GA4 JSONL export, turned into Tailor's events and identity links.
///
/// `view_item` → view, `select_item` → click, `add_to_cart` → add_to_cart,
/// `remove_from_cart` → remove_from_cart (one event per item), `purchase` → one
/// purchase per item, `search`/`view_search_results` → search (`search_term`); other
/// events are ignored. The shopper is `user_id`, else `client_id` (or an app's
/// `app_instance_id`); a body with both is also the link between them.
///
/// GA4 bodies carry no message id: a purchase's ids come from its `transaction_id`
/// (`ga4-T1001-0`, one per item), other events' from a digest of the body, their
/// position in it and their item's.
package enum GA4Mapping {
    /// Maps one body, given as the JSON text of an object.
    package static func map(json: some Collection<UInt8>) throws(MappingError) -> [MappedMessage] {
        let body: JSONValue
        do {
            body = try JSONDecoder().decode(JSONValue.self, from: Data(json))
        } catch {
            throw MappingError(field: "", problem: "not valid JSON")
        }
        return try map(body)
    }

    /// Maps one body.
    package static func map(_ body: JSONValue) throws(MappingError) -> [MappedMessage] {
        guard body.objectValue != nil else { throw MappingError(field: "", problem: "a body is a JSON object") }
        let clientId = Field.identifier(body["client_id"] ?? body["app_instance_id"])
        let userId = Field.identifier(body["user_id"])
        guard let shopper = userId ?? clientId else {
            throw MappingError(field: "client_id", problem: "a body names client_id or user_id")
        }
        guard let events = body["events"]?.arrayValue else {
            throw MappingError(field: "events", problem: "a body lists its events")
        }
        let bodyTime = try time(body["timestamp_micros"], "timestamp_micros")
        let bodyKey = body.digest
        var mapped: [MappedMessage] = []
        for (index, event) in events.enumerated() {
            mapped += try map(event, "events[\(index)]", shopper: shopper, bodyTime: bodyTime, key: "\(bodyKey)-e\(index)")
        }
        if let userId, let clientId, userId != clientId {
            mapped = mapped.map { $0.naming(anonymousId: clientId) }
            mapped.append(.link(IdentityLink(anonymousId: clientId, userId: userId)))
        }
        return mapped
    }

    private static func map(_ event: JSONValue, _ path: String, shopper: String, bodyTime: Date?, key: String) throws(MappingError) -> [MappedMessage] {
        guard let name = event["name"]?.text, !name.isEmpty else {
            throw MappingError(field: "\(path).name", problem: "an event has a name")
        }
        let type: EventType? = switch name {
        case "view_item": .view
        case "select_item": .click
        case "add_to_cart": .addToCart
        case "remove_from_cart": .removeFromCart
        case "purchase": .purchase
        case "search", "view_search_results": .search
        default: nil
        }
        guard let type else { return [.ignored(reason: "GA4 event “\(name)” has no counterpart in Tailor")] }
        let params = event["params"] ?? .object([:])
        let at = try time(event["timestamp_micros"], "\(path).timestamp_micros") ?? bodyTime
        if type == .search {
            guard let term = params["search_term"]?.text?.trimmingSpaces, !term.isEmpty else {
                throw MappingError(field: "\(path).params.search_term", problem: "“\(name)” carries its search term")
            }
            return [.event(ShopperEvent(id: EventID.make("ga4", key), type: .search, shopper: shopper, query: term, at: at))]
        }
        let lines = try items(params, "\(path).params", event: name, withQuantity: type != .view && type != .click)
        let orderKey = type == .purchase ? Field.identifier(params["transaction_id"]) : nil
        return lines.enumerated().map { index, line in
            let id = orderKey.map { EventID.make("ga4", $0, line: index) } ?? EventID.make("ga4", key, line: index)
            return .event(ShopperEvent(id: id, type: type, shopper: shopper, line: line, at: at, recommendationId: nil))
        }
    }

    private static func items(_ params: JSONValue, _ path: String, event: String, withQuantity: Bool) throws(MappingError) -> [ProductLine] {
        guard let items = params["items"]?.arrayValue, !items.isEmpty else {
            throw MappingError(field: "\(path).items", problem: "“\(event)” lists its items")
        }
        var lines: [ProductLine] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).items[\(index)]"
            guard let id = Field.identifier(item["item_id"]) else {
                throw MappingError(field: "\(itemPath).item_id", problem: "an item names its item_id")
            }
            let quantity = withQuantity ? try Field.optionalQuantity(item["quantity"], "\(itemPath).quantity") : nil
            let price = try Field.optionalNumber(item["price"], "\(itemPath).price")
            lines.append(ProductLine(product: id, quantity: quantity, price: price))
        }
        return lines
    }

    private static func time(_ value: JSONValue?, _ path: String) throws(MappingError) -> Date? {
        guard let value else { return nil }
        guard let micros = value.number, micros.isFinite, micros > 0, micros == micros.rounded() else {
            throw MappingError(field: path, problem: "not a unix time in microseconds")
        }
        return Date(timeIntervalSince1970: micros / 1_000_000)
    }
}
