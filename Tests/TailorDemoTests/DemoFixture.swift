import TailorDemo
import TailorModel

/// One small demo shop and all its shoppers' events, built once and shared by the
/// tests (Swift Testing runs them in parallel; static lets are initialised once).
enum DemoFixture {
    /// 2026-09-01T00:00:00Z: any fixed instant will do.
    static let end: Int64 = 1_788_220_800_000
    static let window: Int64 = 30 * 86_400_000

    static let shop = DemoShop(configuration: .small)

    static let events: [[StoredEvent]] = {
        var all = [[StoredEvent]]()
        shop.forEachShopper(endingAtMillis: end) { _, events in all.append(events) }
        return all
    }()

    static let productsByID: [String: Product] = Dictionary(uniqueKeysWithValues: shop.products.map { ($0.id, $0) })
}
