extension DemoShop {
    /// How big the demo shop is and which one it is: the same configuration always
    /// makes the same shop.
    package struct Configuration: Sendable, Hashable {
        /// Chooses the shop; default 2026.
        package var seed: UInt64
        /// Products; default `DemoIDs.standardProductCount`.
        package var productCount: Int
        /// Shoppers; default `DemoIDs.standardShopperCount`.
        package var shopperCount: Int
        /// Days of history before the end time; default 30.
        package var days: Int

        package init(
            seed: UInt64 = 2026, productCount: Int = DemoIDs.standardProductCount,
            shopperCount: Int = DemoIDs.standardShopperCount, days: Int = 30
        ) {
            self.seed = seed
            self.productCount = productCount
            self.shopperCount = shopperCount
            self.days = days
        }

        /// The product and shopper counts a demo shop may have (`--demo-products`,
        /// `--demo-shoppers`).
        package static let allowedCounts = 1...10_000_000

        /// The standard demo: 20,000 products, 50,000 shoppers, 30 days.
        package static let standard = Configuration()

        /// A smaller shop with the same shape, for tests: 2,000 products, 3,000 shoppers.
        package static let small = Configuration(productCount: 2_000, shopperCount: 3_000)
    }
}
