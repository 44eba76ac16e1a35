import Foundation
import TailorModel

/// Segment's (and RudderStack's, which follows the same spec) messages as their
/// webhook destinations and warehouse or JSONL exports write them, turned into
/// Tailor's events and identity links.
///
/// - track `Product Viewed` → view, `Product Clicked` → click, `Product Added` →
///   add_to_cart, `Product Removed` → remove_from_cart, `Order Completed` → one
///   purchase per line of `properties.products` (with its quantity and price),
///   `Products Searched` → search (`properties.query`); other track events are ignored.
/// - identify (with both ids) and alias (`previousId` → `userId`) → an identity link.
/// - page, screen and group calls are ignored.
///
/// A track call carrying both `userId` and `anonymousId` is the known shopper's
/// event, plus the link between the two. Event ids come from `messageId` (`seg-…`),
/// or from a digest of the whole message when it has none, so a replay is a no-op.
package enum SegmentMapping {
    /// Maps one message, given as the JSON text of an object.
    package static func map(json: some Collection<UInt8>) throws(MappingError) -> [MappedMessage] {
        let message: JSONValue
        do {
            message = try JSONDecoder().decode(JSONValue.self, from: Data(json))
        } catch {
            throw MappingError(field: "", problem: "not valid JSON")
        }
        return try map(message)
    }

    /// Maps one message.
    package static func map(_ message: JSONValue) throws(MappingError) -> [MappedMessage] {
        guard message.objectValue != nil else { throw MappingError(field: "", problem: "a message is a JSON object") }
        let type = message["type"]?.text?.lowercased() ?? (message["event"] != nil ? "track" : nil)
        switch type {
        case "track": return try track(message)
        case "identify":
            guard let userId = Field.identifier(message["userId"]), let anonymousId = Field.identifier(message["anonymousId"]) else {
                return [.ignored(reason: "identify call without both userId and anonymousId")]
            }
            return userId == anonymousId ? [.ignored(reason: "identify call whose ids are the same")]
                : [.link(IdentityLink(anonymousId: anonymousId, userId: userId))]
        case "alias":
            guard let previousId = Field.identifier(message["previousId"]) else {
                throw MappingError(field: "previousId", problem: "an alias call names the previous id")
            }
            guard let userId = Field.identifier(message["userId"]) else {
                throw MappingError(field: "userId", problem: "an alias call names the user id")
            }
            return previousId == userId ? [.ignored(reason: "alias call whose ids are the same")]
                : [.link(IdentityLink(anonymousId: previousId, userId: userId))]
        case "page", "screen", "group":
            return [.ignored(reason: "\(type!) call")]
        case nil:
            throw MappingError(field: "type", problem: "missing (track, identify, alias, page, screen or group)")
        case let other?:
            throw MappingError(field: "type", problem: "unknown message type “\(other)”")
        }
    }

    private static func track(_ message: JSONValue) throws(MappingError) -> [MappedMessage] {
        let mapped = try trackEvents(message)
        guard let userId = Field.identifier(message["userId"]), let anonymousId = Field.identifier(message["anonymousId"]),
              userId != anonymousId else { return mapped }
        return mapped.map { $0.naming(anonymousId: anonymousId) }
    }

    private static func trackEvents(_ message: JSONValue) throws(MappingError) -> [MappedMessage] {
        guard let name = message["event"]?.text, !name.isEmpty else {
            throw MappingError(field: "event", problem: "a track call names its event")
        }
        let userId = Field.identifier(message["userId"])
        let anonymousId = Field.identifier(message["anonymousId"])
        guard let shopper = userId ?? anonymousId else {
            throw MappingError(field: "userId", problem: "a track call names userId or anonymousId")
        }
        var link: [MappedMessage] = []
        if let userId, let anonymousId, userId != anonymousId {
            link = [.link(IdentityLink(anonymousId: anonymousId, userId: userId))]
        }
        let properties = message["properties"] ?? .object([:])
        let normalized = name.lowercased().replacingOccurrences(of: "_", with: " ")
        let single: EventType? = switch normalized {
        case "product viewed": .view
        case "product clicked": .click
        case "product added": .addToCart
        case "product removed": .removeFromCart
        default: nil
        }
        guard single != nil || normalized == "order completed" || normalized == "products searched" else {
            return [.ignored(reason: "track event “\(name)” has no counterpart in Tailor")] + link
        }
        let at = try time(message)
        let key = messageKey(message)
        let recommendationId = Field.identifier(properties["recommendationId"] ?? properties["recommendation_id"])
        if let single {
            let line = try productLine(properties, "properties", event: name, withQuantity: single != .view && single != .click)
            let event = ShopperEvent(
                id: EventID.make("seg", key), type: single, shopper: shopper, line: line, at: at,
                recommendationId: recommendationId)
            return [.event(event)] + link
        }
        if normalized == "products searched" {
            guard let query = properties["query"]?.text?.trimmingSpaces, !query.isEmpty else {
                throw MappingError(field: "properties.query", problem: "a Products Searched event carries its query")
            }
            let event = ShopperEvent(id: EventID.make("seg", key), type: .search, shopper: shopper, query: query, at: at)
            return [.event(event)] + link
        }
        return try orderLines(properties, event: name).enumerated().map { index, line in
            .event(ShopperEvent(
                id: EventID.make("seg", key, line: index), type: .purchase, shopper: shopper, line: line, at: at,
                recommendationId: recommendationId))
        } + link
    }

    /// The lines of an order: `properties.products`, or the order's own product fields
    /// when it names one product only.
    private static func orderLines(_ properties: JSONValue, event: String) throws(MappingError) -> [ProductLine] {
        guard let products = properties["products"] else {
            if productID(properties) != nil { return [try productLine(properties, "properties", event: event, withQuantity: true)] }
            throw MappingError(field: "properties.products", problem: "“\(event)” lists the products ordered")
        }
        guard let elements = products.arrayValue, !elements.isEmpty else {
            throw MappingError(field: "properties.products", problem: "must be a non-empty list of products")
        }
        var lines: [ProductLine] = []
        for (index, element) in elements.enumerated() {
            lines.append(try productLine(element, "properties.products[\(index)]", event: event, withQuantity: true))
        }
        return lines
    }

    private static func productID(_ product: JSONValue) -> String? {
        Field.identifier(product["product_id"] ?? product["sku"] ?? product["id"])
    }

    private static func productLine(_ product: JSONValue, _ path: String, event: String, withQuantity: Bool) throws(MappingError) -> ProductLine {
        guard product.objectValue != nil else { throw MappingError(field: path, problem: "a product is a JSON object") }
        guard let id = productID(product) else {
            throw MappingError(field: "\(path).product_id", problem: "“\(event)” names its product (product_id or sku)")
        }
        let quantity = withQuantity ? try Field.optionalQuantity(product["quantity"], "\(path).quantity") : nil
        let price = try Field.optionalNumber(product["price"], "\(path).price")
        return ProductLine(product: id, quantity: quantity, price: price)
    }

    /// `timestamp` (Segment's corrected time), else when the client says it happened.
    private static func time(_ message: JSONValue) throws(MappingError) -> Date? {
        for field in ["timestamp", "originalTimestamp", "sentAt", "receivedAt"] {
            guard let value = message[field] else { continue }
            guard let text = value.text, let date = Timestamp.iso8601(text) else {
                throw MappingError(field: field, problem: "not an ISO-8601 time")
            }
            return date
        }
        return nil
    }

    /// What identifies the message: its `messageId`, else a digest of all of it.
    private static func messageKey(_ message: JSONValue) -> String {
        if let messageId = Field.identifier(message["messageId"]) { return messageId }
        return message.digest
    }
}
