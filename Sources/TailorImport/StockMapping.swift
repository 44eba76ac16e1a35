import TailorModel

/// A stock file's rows (CSV, TSV or flat JSONL) as stock levels: `product` (id,
/// product_id, sku), `quantity` (stock, qty; a whole number, 0 or more) and an optional
/// `version` (the import's when missing).
package struct StockMapping: Sendable {
    package static let defaultColumns = ColumnMapping([
        "product": ["product", "id", "product_id", "sku", "item_id"],
        "quantity": ["quantity", "stock", "qty", "available"],
        "version": ["version"],
    ])

    package var columns: ColumnMapping
    package var defaultVersion: Int64

    package init(columns: ColumnMapping = StockMapping.defaultColumns, defaultVersion: Int64) {
        self.columns = columns
        self.defaultVersion = defaultVersion
    }

    package func stock(_ record: NamedFields) throws(MappingError) -> StockLevel {
        let product = try columns.required("product", in: record).text
        let (column, _) = try columns.required("quantity", in: record)
        guard let quantity = try columns.integer("quantity", in: record), quantity >= 0 else {
            throw MappingError(field: column, problem: "must not be negative")
        }
        return StockLevel(product: product, quantity: quantity, version: try columns.integer("version", in: record) ?? defaultVersion)
    }
}
