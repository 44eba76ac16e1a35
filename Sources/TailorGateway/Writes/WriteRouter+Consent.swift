import Metrics
import TailorModel
import TailorScoring

// Events of shoppers without consent to personalisation: nothing is stored against
// the shopper, and a withdrawal erases what was held.
extension WriteRouter {
    /// Counts events that are not stored into the gateway's popularity and trend
    /// counters, with the weights a shopper partition would have given them. These
    /// counters hold no shopper id; co-occurrence pairs need the shopper's session
    /// history, so such events contribute none. A retry counts once (the counters
    /// remember recent event ids).
    func countAnonymously(_ events: [StoredEvent]) {
        guard !events.isEmpty else { return }
        countInteractions(of: events)
        GatewayMetrics.eventsNotStored.increment(by: events.count)
    }

    /// Counts events' interactions as a shopper partition weighs them
    /// (``ShopperProfile/interactions(of:)``), for events no replica reported.
    func countInteractions(of events: [StoredEvent]) {
        count(events.flatMap { event in
            ShopperProfile.interactions(of: event).map { ($0.product, Double($0.weight), event.atMillis, event.id) }
        })
    }

    /// Erases each shopper exactly as `DELETE /v1/users/{id}` does (a tombstone at the
    /// gateway's clock on every replica; idempotent for a shopper with nothing held).
    /// Throws the erasure's 503 when a shopper's replicas fall short of the quorum.
    func erase(shoppers: [String]) async throws {
        guard !shoppers.isEmpty else { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for shopper in shoppers {
                group.addTask { _ = try await erase(shopper: shopper) }
            }
            try await group.waitForAll()
        }
        GatewayMetrics.consentWithdrawals.increment(by: shoppers.count)
    }
}
