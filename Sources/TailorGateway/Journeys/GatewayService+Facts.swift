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

extension ShopperFactsReading {
    /// The facts a member of the shopper's partition answered.
    init(_ response: WireFactsResponse) {
        self.init(
            facts: response.facts.model,
            shown: response.exposures.map { ShownTreatment(point: $0.point, treatment: $0.treatment, atMillis: $0.atMillis) },
            fromPartition: true
        )
    }
}

extension GatewayService {
    /// What a member is asked for a shopper's facts now, with the treatments shown
    /// since `shownSince` (0: none).
    static func factsRequest(of shopper: String, context: RecommendationContext?, shownSince: Int64, nowMillis: Int64) -> WireFactsRequest {
        var request = WireFactsRequest()
        request.user = shopper
        request.nowMillis = nowMillis
        request.context = context?.factContext ?? [:]
        request.exposuresSinceMillis = shownSince
        return request
    }

    /// The shopper's facts, from a replica of their partition (``WireMethods/facts``).
    /// `readsHistory: false` (no consent) reads nothing stored: the request's context only.
    func readFacts(_ request: WireFactsRequest, readsHistory: Bool, until end: ContinuousClock.Instant) async -> ShopperFactsReading {
        let alone = { ShopperFacts.of(events: [], context: request.context, nowMillis: request.nowMillis) }
        guard readsHistory else { return ShopperFactsReading(facts: alone(), shown: [], fromPartition: false) }
        let partition = cluster.shardMap.partition(of: request.user)
        do {
            let share = (end - .now) / max(1, cluster.readOrder(of: partition).count)
            let response: WireFactsResponse = try await cluster.callAnyReplica(
                of: partition, WireMethods.facts, request, attemptTimeout: share, until: end
            )
            return ShopperFactsReading(response)
        } catch {
            return ShopperFactsReading(
                facts: alone(), shown: [], fromPartition: false,
                problem: "the shopper's facts could not be read (\(error)): decided on the request's context alone"
            )
        }
    }
}
