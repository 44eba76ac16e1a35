import Foundation
import TailorModel
import TailorTrust

/// An order or event file's rows (CSV, TSV or flat JSONL) as shopper events.
///
/// Columns: `order_id` (order, transaction_id), `customer_id` (customer, user,
/// user_id, shopper), `product` (product_id, sku, item_id), `quantity`, `price`,
/// `time` (timestamp, at, date, created_at: ISO-8601 or unix seconds), `type` (event,
/// event_type: view, click, add_to_cart, remove_from_cart, purchase, search; purchase
/// when missing), `query` (for a search), `session`. customer_id is required, and a
/// product except for a search.
///
/// Event ids come from the row, so importing the same file again stores nothing new:
/// with an order id, `ord-<order>-<product>-<n>`, n counting repeats of the product
/// within the order's consecutive rows (the same whatever order those rows are in);
/// without one, a digest of the row's values (two identical rows are one event).
package struct OrderMapping: Sendable {
    package static let defaultColumns = ColumnMapping([
        "order_id": ["order_id", "order", "transaction_id", "order_number"],
        "customer_id": ["customer_id", "customer", "user", "user_id", "shopper", "client_id"],
        "product": ["product", "product_id", "sku", "item_id"],
        "quantity": ["quantity", "qty"],
        "price": ["price", "unit_price", "item_price"],
        "time": ["time", "timestamp", "at", "date", "created_at", "order_date"],
        "type": ["type", "event", "event_type"],
        "query": ["query", "search_term"],
        "session": ["session", "session_id"],
    ])

    package var columns: ColumnMapping
    /// Whether the last row mapped continued the order of the row before it: the
    /// repeat count in its id depends on that row, so a resumed import must not start
    /// between them.
    package private(set) var continuedOrder = false
    private var currentOrder: String?
    private var repeatsInOrder: [String: Int] = [:]

    package init(columns: ColumnMapping = OrderMapping.defaultColumns) {
        self.columns = columns
    }

    package mutating func event(_ record: NamedFields) throws(MappingError) -> ShopperEvent {
        let customer = try columns.required("customer_id", in: record).text
        var type = EventType.purchase
        if let (column, text) = columns.value("type", in: record) {
            guard let parsed = EventType(rawValue: text.lowercased().replacingOccurrences(of: "-", with: "_")), parsed != .impression else {
                throw MappingError(field: column, problem: "“\(text)” is not view, click, add_to_cart, remove_from_cart, purchase or search")
            }
            type = parsed
        }
        let product = columns.text("product", in: record)
        let query = columns.text("query", in: record)
        if product == nil && !(type == .search && query != nil) {
            throw MappingError(field: columns.columns["product"]?.first ?? "product", problem: "missing")
        }
        var quantity: Int?
        if let (column, _) = columns.value("quantity", in: record) {
            guard let value = try columns.integer("quantity", in: record), (1...10_000).contains(value) else {
                throw MappingError(field: column, problem: "must be a whole number between 1 and 10000")
            }
            quantity = Int(value)
        }
        let price = try columns.number("price", in: record)
        if let price, price < 0 { throw MappingError(field: columns.value("price", in: record)!.column, problem: "must not be negative") }
        var at: Date?
        if let (column, text) = columns.value("time", in: record) {
            guard let date = Timestamp.isoOrUnix(text) else {
                throw MappingError(field: column, problem: "“\(text)” is not an ISO-8601 time or unix seconds")
            }
            at = date
        }
        let id: String
        continuedOrder = false
        if let order = columns.text("order_id", in: record) {
            continuedOrder = order == currentOrder
            if order != currentOrder {
                currentOrder = order
                repeatsInOrder.removeAll(keepingCapacity: true)
            }
            let key = type == .purchase ? product ?? "" : "\(type.rawValue)-\(product ?? query ?? "")"
            let repeats = repeatsInOrder[key, default: 0]
            repeatsInOrder[key] = repeats + 1
            id = EventID.make("ord", "\(order)-\(key)", line: repeats)
        } else {
            id = "row-" + TextDigest.sha256Hex([
                customer, type.rawValue, product ?? "", query ?? "", quantity.map(String.init) ?? "",
                price.map { "\($0)" } ?? "", at.map { "\($0.timeIntervalSince1970)" } ?? "",
            ])
        }
        return ShopperEvent(
            id: id, type: type, shopper: customer, session: columns.text("session", in: record), product: product,
            quantity: quantity, price: price, query: type == .search ? query : nil, at: at)
    }
}
