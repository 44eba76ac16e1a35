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
        meanIntervalDays = 7 * pow(90.0 / 7, random.unit())
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
        var number = 0
        while at < stop {
            guard let product = catalog.popularProduct(in: shopper.sessionTaste(using: &random), using: &random) else { break }
            let session = "s-" + shopperID + "-" + String(number)
            let ref = catalog.refs[product]
            let bought = at + Int64(random.between(60_000...600_000))
            events.append(event(events.count, .view, ref, session: session, at: at))
            events.append(event(events.count, .purchase, ref, session: session, at: min(bought, end), quantity: random.between(1...3)))
            number += 1
            // Lognormal noise around the buyer's rate (mean 1, σ 0.5 in the log).
            let interval = meanIntervalDays * exp(0.5 * random.normal() - 0.125)
            at += Int64(max(0.5, interval) * Double(Self.day))
        }
        return events
    }

    private func event(_ number: Int, _ type: EventType, _ product: ProductRef, session: String, at: Int64, quantity: Int = 1) -> StoredEvent {
        StoredEvent(
            id: "demo-" + shopperID + "-" + String(number), type: type, shopper: shopperID, session: session,
            products: [product], quantity: quantity, atMillis: at
        )
    }
}
