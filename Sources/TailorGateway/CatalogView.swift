import Synchronization
import TailorModel
import TailorScoring

/// The gateway's view of the catalog: what every product is called, where it sits,
/// and how much is in stock. The merge step checks answers against it (never
/// recommend what the gateway knows is out of stock), and events are enriched from
/// it. Filled from the nodes at start-up and refreshed; writes through this gateway
/// update it at once. Versions only move forward, so a refresh never undoes a newer write.
final class CatalogView: Sendable {
    struct Entry: Sendable {
        var title: String
        var category: String
        var brand: String
        var price: Double
        var version: Int64
        var deleted: Bool
        var stock: Int64?
        var stockVersion: Int64

        /// A product the view has heard nothing of yet.
        static let unknown = Entry(title: "", category: "", brand: "", price: 0, version: -1, deleted: false, stock: nil, stockVersion: -1)
    }

    private let entries = Mutex<[String: Entry]>([:])

    var count: Int { entries.withLock { $0.values.count { !$0.deleted } } }

    func merge(_ summary: ProductSummary) {
        entries.withLock { entries in
            var entry = entries[summary.id] ?? .unknown
            if summary.version > entry.version {
                entry.title = summary.title
                entry.category = summary.category
                entry.brand = summary.brand
                entry.price = summary.price
                entry.version = summary.version
                entry.deleted = false
            }
            if let stock = summary.stock, let version = summary.stockVersion, version > entry.stockVersion {
                entry.stock = stock
                entry.stockVersion = version
            }
            entries[summary.id] = entry
        }
    }

    func upsert(_ product: Product) {
        merge(ProductSummary(
            id: product.id, title: product.title, category: product.category, brand: product.brand ?? "",
            price: product.price, stock: nil, stockVersion: nil, version: product.version
        ))
    }

    func setStock(_ level: StockLevel) {
        entries.withLock { entries in
            var entry = entries[level.product] ?? .unknown
            if level.version > entry.stockVersion {
                entry.stock = level.quantity
                entry.stockVersion = level.version
            }
            entries[level.product] = entry
        }
    }

    func remove(_ id: String, version: Int64) {
        entries.withLock { entries in
            guard var entry = entries[id], version > entry.version else { return }
            entry.version = version
            entry.deleted = true
            entries[id] = entry
        }
    }

    /// A product as events and situations refer to it; only the id when unknown.
    func ref(_ id: String) -> ProductRef {
        entries.withLock { entries in
            guard let entry = entries[id], !entry.deleted else { return ProductRef(id: id) }
            return ProductRef(id: id, category: entry.category, brand: entry.brand, price: entry.price)
        }
    }

    func title(_ id: String) -> String? {
        entries.withLock { entries in entries[id].flatMap { $0.deleted || $0.title.isEmpty ? nil : $0.title } }
    }

    /// Whether an answer may include the product: known out of stock or deleted → no.
    func isRecommendable(_ id: String, requireStock: Bool) -> Bool {
        entries.withLock { entries in
            guard let entry = entries[id] else { return true }
            if entry.deleted { return false }
            if requireStock, let stock = entry.stock, stock <= 0 { return false }
            return true
        }
    }
}
