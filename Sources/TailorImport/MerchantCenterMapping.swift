import Foundation
import TailorModel

/// Google Merchant Center feed items (RSS/Atom `<item>`/`<entry>` children or TSV
/// columns, with or without `g:`) as products and stock levels.
///
/// `id`, `title` and `price` are required. The category is `product_type` (`A > B >
/// C`), else `google_product_category`; the price is `sale_price` when there is one
/// (what the shopper pays), with the regular price kept as the attribute `list_price`
/// and the currency as `currency`; `custom_label_0`…`custom_label_4` become tags;
/// `link` and `image_link` the product's `url` and `imageURL`.
///
/// Stock: `quantity` (or `sell_on_google_quantity`) when given; otherwise
/// `availability` decides: `in stock`, `preorder` and `backorder` (the shopper can
/// order) are ``inStockQuantity`` units, `out of stock` is 0 (with spaces or
/// underscores).
package struct MerchantCenterMapping: Sendable {
    /// Units in stock of an item that is available without saying how many.
    package static let defaultInStockQuantity: Int64 = 100

    package var defaultVersion: Int64
    package var inStockQuantity: Int64

    package init(defaultVersion: Int64, inStockQuantity: Int64 = MerchantCenterMapping.defaultInStockQuantity) {
        self.defaultVersion = defaultVersion
        self.inStockQuantity = inStockQuantity
    }

    package func product(_ item: NamedFields) throws(MappingError) -> Product {
        let id = try Self.required("id", item)
        let title = try Self.required("title", item)
        let regular = try Self.price("price", item)
        let sale = item["sale_price"] == nil ? nil : try Self.price("sale_price", item)
        var attributes: [String: String] = [:]
        if let currency = (sale ?? regular).currency { attributes["currency"] = currency }
        if let sale, sale.amount < regular.amount { attributes["list_price"] = Self.format(regular.amount) }
        for name in ["condition", "color", "size", "gender", "age_group", "material", "gtin", "mpn"] {
            if let value = Self.text(name, item) { attributes[name] = value }
        }
        let labels = (0...4).compactMap { Self.text("custom_label_\($0)", item) }
        let category = Self.text("product_type", item) ?? Self.text("google_product_category", item)
        return Product(
            id: id, title: title,
            categoryPath: CategoryPath.parse(category),
            brand: Self.text("brand", item),
            price: (sale.map { $0.amount < regular.amount ? $0 : regular } ?? regular).amount,
            cost: try Self.costOfGoods(item),
            attributes: attributes.isEmpty ? nil : attributes,
            tags: labels.isEmpty ? nil : labels,
            version: defaultVersion,
            url: Self.text("link", item),
            imageURL: Self.text("image_link", item))
    }

    package func stock(_ item: NamedFields) throws(MappingError) -> StockLevel {
        let id = try Self.required("id", item)
        for name in ["quantity", "sell_on_google_quantity"] {
            guard let text = Self.text(name, item) else { continue }
            guard let quantity = Int64(text), quantity >= 0 else {
                throw MappingError(field: name, problem: "not a whole number of units")
            }
            return StockLevel(product: id, quantity: quantity, version: defaultVersion)
        }
        guard let availability = Self.text("availability", item) else {
            throw MappingError(field: "availability", problem: "missing (and no quantity)")
        }
        switch availability.lowercased().replacingOccurrences(of: "_", with: " ") {
        case "in stock", "preorder", "backorder", "available for order":
            return StockLevel(product: id, quantity: inStockQuantity, version: defaultVersion)
        case "out of stock":
            return StockLevel(product: id, quantity: 0, version: defaultVersion)
        default:
            throw MappingError(field: "availability", problem: "“\(availability)” is not in stock, out of stock, preorder or backorder")
        }
    }

    private static func text(_ name: String, _ item: NamedFields) -> String? {
        guard let text = item[name]?.trimmingSpaces, !text.isEmpty else { return nil }
        return text
    }

    private static func required(_ name: String, _ item: NamedFields) throws(MappingError) -> String {
        guard let text = text(name, item) else { throw MappingError(field: name, problem: "missing") }
        return text
    }

    private static func price(_ name: String, _ item: NamedFields) throws(MappingError) -> (amount: Double, currency: String?) {
        guard let text = text(name, item) else { throw MappingError(field: name, problem: "missing") }
        guard let price = Numbers.price(text) else { throw MappingError(field: name, problem: "“\(text)” is not a price") }
        return price
    }

    private static func costOfGoods(_ item: NamedFields) throws(MappingError) -> Double? {
        guard let text = text("cost_of_goods_sold", item) else { return nil }
        guard let cost = Numbers.price(text) else { throw MappingError(field: "cost_of_goods_sold", problem: "“\(text)” is not a price") }
        return cost.amount
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
