import TailorDemo
import TailorJourneys
import TailorModel
import TailorNode

/// The built-in demo shop as a node's seed (`tailor node --demo`): the node knows only
/// ``SeedSource``, the command layer chooses the demo.
package struct DemoSeed: SeedSource {
    package let shop: DemoShop

    package init(shop: DemoShop) {
        self.shop = shop
    }

    package var products: [Product] { shop.products }

    package var stock: [StockLevel] { shop.stock }

    /// The personalization guide's example journey.
    package var decisionPoints: [(id: String, definition: DecisionPointDefinition)] { GuideJourney.decisionPoints }

    /// The shoppers, then the repeat buyers (whose purchases, some stopped, give churn
    /// risk and the at_risk segment something to find).
    package func forEachShopper(endingAtMillis: Int64, _ body: (Int, String, [StoredEvent]) -> Void) {
        shop.forEachShopper(endingAtMillis: endingAtMillis) { index, events in body(index, DemoIDs.shopper(index), events) }
        let first = shop.configuration.shopperCount
        shop.forEachRepeatBuyer(endingAtMillis: endingAtMillis) { buyer in body(first + buyer.index, buyer.id, buyer.events) }
    }
}
