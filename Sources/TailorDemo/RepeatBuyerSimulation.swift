import Foundation
import TailorModel

/// Plays one repeat buyer's orders: a rate of their own, irregular intervals around
/// it, and for a churner a time after which they never order again.
///
/// Rates differ widely (a mean interval from 7 to 90 days, log-uniform), so how long
/// a buyer has been silent says little on its own: a weekly buyer silent for three
/// weeks has more likely gone than a quarterly buyer silent for six.
struct RepeatBuyerSimulation {
    let catalog: DemoCatalog
    let shopperID: String
    var random: DemoRandom
    let end: Int64
    /// The shopper's tastes and price band, as the demo's shoppers have them.
    let shopper: DemoShopper
    let meanIntervalDays: Double
    let churnedAtMillis: Int64?

    private static let day: Int64 = 86_400_000

    init(catalog: DemoCatalog, shopperID: String, random: DemoRandom, end: Int64) {
        self.catalog = catalog
        self.shopperID = shopperID
        self.end = end
        var random = random
        shopper = DemoShopper(catalog: catalog, using: &random)
        meanIntervalDays = 7 * pow(120.0 / 7, random.unit())
        if random.chance(DemoShop.repeatBuyerChurnShare) {
            let window = Double(DemoShop.repeatBuyerChurnWindowDays - 7)
            churnedAtMillis = end - Int64((7 + window * random.unit()) * Double(Self.day))
        } else {
            churnedAtMillis = nil
        }
        self.random = random
    }

    mutating func run() -> [StoredEvent] {
        let start = end - Int64(DemoShop.repeatBuyerDays) * Self.day
        let stop = min(end, churnedAtMillis ?? end)
        var events: [StoredEvent] = []
        // The first order falls anywhere in one interval from the start, as if the
        // buyer had been ordering before the history begins.
        var at = start + Int64(random.unit() * meanIntervalDays * Double(Self.day))
        while at < stop {
            guard let product = catalog.popularProduct(in: shopper.sessionTaste(using: &random), using: &random) else { break }
            // A reorder alone (from a reminder or a saved basket), to keep the demo's volume small.
            events.append(purchase(events.count, catalog.refs[product], at: at, quantity: random.between(1...3)))
            // Lognormal noise around the buyer's rate (mean 1, σ 0.5 in the log).
            let interval = meanIntervalDays * exp(0.5 * random.normal() - 0.125)
            at += Int64(max(0.5, interval) * Double(Self.day))
        }
        return events
    }

    private func purchase(_ number: Int, _ product: ProductRef, at: Int64, quantity: Int) -> StoredEvent {
        StoredEvent(
            id: "demo-" + shopperID + "-" + String(number), type: .purchase, shopper: shopperID,
            session: "s-" + shopperID + "-" + String(number),
            products: [product], quantity: quantity, atMillis: at
        )
    }
}
