import Foundation
import TailorJourneys
import TailorMembership
import TailorModel
import TailorWire

/// A shopper's facts as a request sees them: from their partition (``WireMethods/facts``)
/// or, without consent or when no replica answers in time, from the request alone.
struct ShopperFactsReading: Sendable {
    var facts: ShopperFacts
    var shown: [ShownTreatment]
    /// Whether the shopper's partition answered (a shopper it never saw still answers).
    var fromPartition: Bool
    /// Why the facts are the request's only, when the partition was asked but did not answer.
    var problem: String?
}

extension GatewayService {
    /// The shopper's facts now, with the treatments shown since `shownSince` (0: none).
    /// `readsHistory: false` (no consent) reads nothing stored.
    func readFacts(
        of shopper: String, context: RecommendationContext?, readsHistory: Bool, shownSince: Int64, nowMillis: Int64,
        until end: ContinuousClock.Instant
    ) async -> ShopperFactsReading {
        let contextFacts = context?.factContext ?? [:]
        guard readsHistory else {
            return ShopperFactsReading(facts: ShopperFacts.of(events: [], context: contextFacts, nowMillis: nowMillis), shown: [], fromPartition: false)
        }
        var request = WireFactsRequest()
        request.user = shopper
        request.nowMillis = nowMillis
        request.context = contextFacts
        request.exposuresSinceMillis = shownSince
        let partition = cluster.shardMap.partition(of: shopper)
        do {
            let share = (end - .now) / max(1, cluster.readOrder(of: partition).count)
            let response: WireFactsResponse = try await cluster.callAnyReplica(
                of: partition, WireMethods.facts, request, attemptTimeout: share, until: end
            )
            return ShopperFactsReading(
                facts: response.facts.model,
                shown: response.exposures.map { ShownTreatment(point: $0.point, treatment: $0.treatment, atMillis: $0.atMillis) },
                fromPartition: true
            )
        } catch {
            return ShopperFactsReading(
                facts: ShopperFacts.of(events: [], context: contextFacts, nowMillis: nowMillis), shown: [], fromPartition: false,
                problem: "the shopper's facts could not be read (\(error)): decided on the request's context alone"
            )
        }
    }

}
