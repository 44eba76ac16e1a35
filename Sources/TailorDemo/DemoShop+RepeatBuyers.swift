import TailorModel

/// The demo's repeat buyers: shoppers who reorder at a rate of their own over half a
/// year, some of whom stop buying at a known time (the churners). They are what churn
/// risk is checked against (`tailor eval --demo --churn`), so the truth is kept beside them.
///
/// They are a population of their own, after the demo's shoppers (ids
/// `DemoIDs.shopper(shopperCount + index)`), drawn from random streams of their own:
/// the demo's shoppers and their events do not change because they exist, and
/// `forEachShopper` (what the offline evaluations read) does not visit them. A node
/// seeded with the demo (`DemoSeed`) loads them after the shoppers, so the demo
/// cluster has shoppers at risk.
extension DemoShop {
    /// One repeat buyer, their orders and what the demo knows of them that a shop does not.
    package struct RepeatBuyer: Sendable, Hashable {
        /// 0..<repeatBuyerCount.
        package var index: Int
        package var id: String
        /// The mean days between two of their orders while they buy.
        package var meanIntervalDays: Double
        /// When they stopped buying; nil for a buyer who still buys.
        package var churnedAtMillis: Int64?
        /// One purchase event per order, time-ordered.
        package var events: [StoredEvent]

        package var churned: Bool { churnedAtMillis != nil }
    }

    /// Days of history the repeat buyers have before the end time.
    package static let repeatBuyerDays = 180
    /// The share of repeat buyers who stop buying.
    package static let repeatBuyerChurnShare = 0.4
    /// Churners stop between this many days before the end time and a week before
    /// it: a buyer who stopped yesterday has not stopped in any way a shop could see.
    package static let repeatBuyerChurnWindowDays = 90

    /// One repeat buyer per 25 shoppers (2,000 in the standard demo, about 3% more
    /// events), at least 100.
    package var repeatBuyerCount: Int { max(100, configuration.shopperCount / 25) }

    /// Repeat buyer `index`; deterministic like `events(ofShopper:endingAtMillis:)`.
    package func repeatBuyer(_ index: Int, endingAtMillis: Int64) -> RepeatBuyer {
        // A salt of their own: these streams never coincide with the shoppers' (salt 0x5E55_1075).
        let random = DemoRandom(seed: configuration.seed, stream: UInt64(truncatingIfNeeded: index) &+ 1, salt: 0xC4_0241_0BE5)
        var simulation = RepeatBuyerSimulation(
            catalog: catalog, shopperID: DemoIDs.shopper(configuration.shopperCount + index), random: random,
            end: endingAtMillis
        )
        let events = simulation.run()
        return RepeatBuyer(
            index: index, id: simulation.shopperID, meanIntervalDays: simulation.meanIntervalDays,
            churnedAtMillis: simulation.churnedAtMillis, events: events
        )
    }

    /// Calls `body` for every repeat buyer in index order.
    package func forEachRepeatBuyer(endingAtMillis: Int64, _ body: (RepeatBuyer) throws -> Void) rethrows {
        for index in 0..<repeatBuyerCount {
            try body(repeatBuyer(index, endingAtMillis: endingAtMillis))
        }
    }

    /// The ground truth: every repeat buyer's id and whether they stopped buying.
    package func churnLabels(endingAtMillis: Int64) -> [(shopper: String, churned: Bool)] {
        (0..<repeatBuyerCount).map { index in
            let buyer = repeatBuyer(index, endingAtMillis: endingAtMillis)
            return (buyer.id, buyer.churned)
        }
    }
}
