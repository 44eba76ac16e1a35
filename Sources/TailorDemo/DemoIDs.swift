/// How the demo shop names things, so that a load generator or a tour can address
/// its products and shoppers without downloading anything.
package enum DemoIDs {
    /// Products in the standard demo shop.
    package static let standardProductCount = 20_000
    /// Shoppers in the standard demo shop.
    package static let standardShopperCount = 50_000

    /// The id of product number `index` (0-based): `p00042`.
    package static func product(_ index: Int) -> String { "p" + padded(index) }
    /// The id of shopper number `index` (0-based): `u00042`.
    package static func shopper(_ index: Int) -> String { "u" + padded(index) }

    private static func padded(_ index: Int) -> String {
        let digits = String(index)
        return digits.count >= 5 ? digits : String(repeating: "0", count: 5 - digits.count) + digits
    }
}
