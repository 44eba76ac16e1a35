import Foundation
import TailorModel
import TailorTrust

/// Event ids derived from what identifies a record in its source (a message id, an
/// order and line), so that importing the same record again is a no-op: the cluster
/// stores an event id once.
package enum EventID {
    /// `prefix-key` (or `prefix-key-line` for one line of several), or, when that
    /// would be longer than an id may be, `prefix-` and a digest of the same.
    package static func make(_ prefix: String, _ key: String, line: Int? = nil) -> String {
        let readable = line.map { "\(prefix)-\(key)-\($0)" } ?? "\(prefix)-\(key)"
        if readable.utf8.count <= Limits.maximumIDBytes { return readable }
        return "\(prefix)-" + TextDigest.sha256Hex([key, line.map(String.init) ?? ""])
    }
}

/// One product line of a message: a product event, or one line of an order.
struct ProductLine {
    var product: String
    var quantity: Int?
    var price: Double?
}

/// Reading typed values out of a message, each failure naming the field's path.
enum Field {
    static func identifier(_ value: JSONValue?) -> String? {
        guard let text = value?.text?.trimmingSpaces, !text.isEmpty else { return nil }
        return text
    }

    static func optionalNumber(_ value: JSONValue?, _ path: String) throws(MappingError) -> Double? {
        guard let value else { return nil }
        if case .string(let text) = value, text.trimmingSpaces.isEmpty { return nil }
        guard let number = value.number, number.isFinite else {
            throw MappingError(field: path, problem: "not a number")
        }
        guard number >= 0 else { throw MappingError(field: path, problem: "must not be negative") }
        return number
    }

    static func optionalQuantity(_ value: JSONValue?, _ path: String) throws(MappingError) -> Int? {
        guard let number = try optionalNumber(value, path) else { return nil }
        guard number == number.rounded(), number >= 1, number <= 10_000 else {
            throw MappingError(field: path, problem: "must be a whole number between 1 and 10000")
        }
        return Int(number)
    }
}

extension ShopperEvent {
    /// The event of one product line.
    init(id: String, type: EventType, shopper: String, line: ProductLine, at: Date?, recommendationId: String?) {
        self.init(
            id: id, type: type, shopper: shopper, product: line.product, quantity: line.quantity,
            price: line.price, at: at, recommendationId: recommendationId)
    }
}
