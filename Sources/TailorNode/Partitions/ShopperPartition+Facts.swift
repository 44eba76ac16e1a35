import TailorJourneys
import TailorModel
import TailorOutcomes
import TailorScoring

extension ShopperPartition {
    /// What a shopper's facts are computed from, read in one hop of the actor.
    package struct FactsInputs: Sendable {
        package var events: [StoredEvent]
        package var purchases: PurchaseSummary
        package var exposures: [Exposure]
        package var situation: Situation?
    }

    /// The shopper's recent events, purchases, the decisions shown since
    /// `exposuresSince` (none when 0) and, when asked, the situation; nil for a shopper
    /// never seen here.
    package func factsInputs(of shopper: String, nowMillis: Int64, exposuresSince: Int64, withSituation: Bool) -> FactsInputs? {
        let exposures = exposuresSince > 0 ? exposures(of: shopper, sinceMillis: exposuresSince) : []
        guard let profile = profile(of: shopper) else {
            return exposures.isEmpty ? nil : FactsInputs(events: [], purchases: PurchaseSummary(), exposures: exposures, situation: nil)
        }
        return FactsInputs(
            events: profile.events, purchases: profile.purchases, exposures: exposures,
            situation: withSituation ? profile.situation(nowMillis: nowMillis) : nil
        )
    }
}
