import TailorCRDT
import TailorGossip

/// Turns the gossiped counters' running sums into increments for the node's rows.
///
/// A row's popularity and trend start from what was loaded (the demo, later a
/// hand-off) and grow by the live counts that arrive by gossip; this remembers
/// what was applied per product, so each update adds only the growth since.
struct CounterApplier {
    private var landmark: Int64?
    /// Sums applied so far, relative to `landmark`.
    private var applied: [String: Slot] = [:]

    /// The growth of each product in `update` since it was last applied, relative to
    /// `update.landmark`; only for products `isHeld` says this node holds.
    mutating func increments(_ update: CounterUpdate, isHeld: (String) -> Bool) -> [(product: String, popularity: Double, trend: Double)] {
        if let old = landmark, old != update.landmark {
            // The sender's table moved its landmark: express what was applied at the new one.
            let popularity = ForwardDecay.popularity.valueFactor(nowMillis: update.landmark, landmark: old)
            let trend = ForwardDecay.trend.valueFactor(nowMillis: update.landmark, landmark: old)
            for product in applied.keys {
                applied[product]?.long *= popularity
                applied[product]?.short *= trend
            }
        }
        landmark = update.landmark
        var increments: [(product: String, popularity: Double, trend: Double)] = []
        for (product, sums) in update.sums where isHeld(product) {
            let before = applied[product] ?? Slot()
            let popularity = max(0, sums.long - before.long), trend = max(0, sums.short - before.short)
            applied[product] = Slot(long: max(before.long, sums.long), short: max(before.short, sums.short))
            if popularity > 0 || trend > 0 { increments.append((product, popularity, trend)) }
        }
        return increments
    }
}
