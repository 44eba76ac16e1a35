import TailorModel

/// The built-in demo shop: a deterministic, believable online store generated from
/// a seed, with no download and no file.
///
/// About 20,000 products in a three-level category tree (9 departments), with brands,
/// prices, costs, stock, attributes and ratings; and about 50,000 shoppers whose
/// sessions over the last 30 days follow their tastes, including the
/// "bought together" patterns of complementary categories (shoes and socks, camera
/// and memory card). Products are built in `init`; each shopper's events come from
/// a random stream of their own, so any shopper can be generated on its own.
package struct DemoShop: Sendable {
    package let configuration: Configuration
    let catalog: DemoCatalog

    package init(configuration: Configuration = .standard) {
        self.configuration = configuration
        catalog = DemoCatalog(seed: configuration.seed, productCount: configuration.productCount)
    }

    /// All products, index i has id DemoIDs.product(i).
    package var products: [Product] { catalog.products }

    /// Stock for every product (version 1), in the order of `products`.
    package var stock: [StockLevel] { catalog.stock }

    /// The events of shopper `index` (id DemoIDs.shopper(index)), time-ordered, ending at or
    /// before `endingAtMillis` and starting no earlier than `configuration.days` before it.
    /// Deterministic: same configuration + same shopper + same endingAtMillis → same events.
    package func events(ofShopper index: Int, endingAtMillis: Int64) -> [StoredEvent] {
        var random = shopperRandom(index)
        let shopper = DemoShopper(catalog: catalog, using: &random)
        let window = Int64(max(1, configuration.days)) * 86_400_000
        var simulation = ShopperSimulation(
            catalog: catalog, shopper: shopper, shopperID: DemoIDs.shopper(index), random: random,
            start: endingAtMillis - window, end: endingAtMillis
        )
        return simulation.run()
    }

    /// Calls `body` for every shopper in index order (streaming, so nobody holds 500k events at once).
    package func forEachShopper(endingAtMillis: Int64, _ body: (Int, [StoredEvent]) throws -> Void) rethrows {
        for index in 0..<configuration.shopperCount {
            try body(index, events(ofShopper: index, endingAtMillis: endingAtMillis))
        }
    }

    /// The preferred leaf categories of a shopper, joined paths, the strongest first.
    package func tastes(ofShopper index: Int) -> [String] {
        var random = shopperRandom(index)
        return DemoShopper(catalog: catalog, using: &random).tastes.map { catalog.leaves[$0].spec.path }
    }

    /// Leaf categories (joined paths) whose products are often bought with those of
    /// `category`; empty for a category the demo does not have.
    package func complements(of category: String) -> [String] {
        guard let leaf = catalog.leafIndex[category] else { return [] }
        return catalog.leaves[leaf].complements.map { catalog.leaves[$0].spec.path }
    }

    /// Every leaf category of the demo shop (joined paths).
    package var leafCategories: [String] { catalog.leaves.map(\.spec.path) }

    func shopperRandom(_ index: Int) -> DemoRandom {
        DemoRandom(seed: configuration.seed, stream: UInt64(truncatingIfNeeded: index) &+ 1, salt: 0x5E55_1075)
    }
}
