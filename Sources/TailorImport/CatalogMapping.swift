import TailorModel

/// A catalog file's rows (CSV, TSV or flat JSONL) as products.
///
/// Columns, by default (any of the names, case-insensitive; `--map` overrides):
/// `id` (product_id, sku, item_id), `title` (name), `category` (category_path,
/// product_type; a path `A > B > C`), `brand`, `price` (with or without a currency:
/// `12.99`, `12,99 EUR`), `cost`, `tags` (separated by `|` or `,`), `url` (link),
/// `image_url` (image_link, image), `rating`, `version`. Only id, title and price are
/// required; a product without category is filed under `Uncategorized`; `version`
/// defaults to the one the import is given.
package struct CatalogMapping: Sendable {
    package static let defaultColumns = ColumnMapping([
        "id": ["id", "product_id", "sku", "item_id"],
        "title": ["title", "name"],
        "category": ["category", "category_path", "product_type", "google_product_category"],
        "brand": ["brand"],
        "price": ["price"],
        "cost": ["cost", "cost_of_goods_sold"],
        "tags": ["tags"],
        "url": ["url", "link"],
        "image_url": ["image_url", "image_link", "image", "imageurl"],
        "rating": ["rating"],
        "version": ["version"],
    ])

    package var columns: ColumnMapping
    /// The version of products whose row has none.
    package var defaultVersion: Int64

    package init(columns: ColumnMapping = CatalogMapping.defaultColumns, defaultVersion: Int64) {
        self.columns = columns
        self.defaultVersion = defaultVersion
    }

    package func product(_ record: NamedFields) throws(MappingError) -> Product {
        let id = try columns.required("id", in: record).text
        let title = try columns.required("title", in: record).text
        let (priceColumn, priceText) = try columns.required("price", in: record)
        guard let price = Numbers.price(priceText) else { throw MappingError(field: priceColumn, problem: "not a number") }
        var product = Product(
            id: id, title: title,
            categoryPath: CategoryPath.parse(columns.text("category", in: record)),
            brand: columns.text("brand", in: record),
            price: price.amount,
            cost: try columns.number("cost", in: record),
            attributes: price.currency.map { ["currency": $0] },
            tags: columns.text("tags", in: record).map(Self.tags),
            rating: try columns.number("rating", in: record),
            version: try columns.integer("version", in: record) ?? defaultVersion,
            url: columns.text("url", in: record),
            imageURL: columns.text("image_url", in: record))
        if product.tags?.isEmpty == true { product.tags = nil }
        return product
    }

    static func tags(_ text: String) -> [String] {
        let separator: Character = text.contains("|") ? "|" : ","
        var seen = Set<String>()
        return text.split(separator: separator).map(\.trimmingSpaces).filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

/// Category paths as feeds write them.
package enum CategoryPath {
    /// `Home > Kitchen > Knives` → its levels; several paths (`A > B, C > D`, or
    /// Merchant Center's repeated product_type) → the first; none → `Uncategorized`.
    package static func parse(_ text: String?) -> [String] {
        guard let text else { return ["Uncategorized"] }
        let first = text.contains(">") ? text.split(separator: ",", omittingEmptySubsequences: true).first.map(String.init) ?? text : text
        let levels = first.split(separator: ">").map(\.trimmingSpaces).filter { !$0.isEmpty }
        return levels.isEmpty ? ["Uncategorized"] : levels
    }
}
