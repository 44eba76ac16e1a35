import HTTPTypes
import TailorHTTP2
import TailorJourneys
import TailorMembership
import TailorModel
import TailorOutcomes
import TailorRPC
import TailorWire

extension NodeHandlers {
    /// A shopper's facts of the moment (segments and decisions), from a replica of their partition.
    func registerFacts(on router: inout HTTP2Router) {
        router.register(WireMethods.facts, admit: { try requireReady() }) { try await facts($0) }
    }

    func facts(_ request: WireFactsRequest) async throws -> WireFactsResponse {
        guard !request.user.isEmpty else { throw HTTP2ServerError(.badRequest, "user is empty") }
        let replica = try heldComplete(shardMap.partition(of: request.user))
        let inputs = await replica.shoppers.factsInputs(
            of: request.user, nowMillis: request.nowMillis, exposuresSince: request.exposuresSinceMillis, withSituation: false
        )
        return await facts(request, inputs: inputs)
    }

    /// The facts of `inputs` (nil: a shopper this partition never saw), with churn risk
    /// against this node's distribution.
    func facts(_ request: WireFactsRequest, inputs: ShopperPartition.FactsInputs?) async -> WireFactsResponse {
        var churnRisk = 0.0
        if let purchases = inputs?.purchases, purchases.orders > 0 {
            let distribution = await churn.distribution(nowMillis: request.nowMillis) { await allPurchaseSummaries() }
            churnRisk = ChurnRisk.score(purchases, in: distribution, nowMillis: request.nowMillis)
        }
        let facts = ShopperFacts.of(
            events: inputs?.events ?? [], purchases: inputs?.purchases, context: request.context, churnRisk: churnRisk,
            nowMillis: request.nowMillis
        )
        var response = WireFactsResponse()
        response.known = inputs != nil
        response.facts = WireFacts(facts)
        response.exposures = (inputs?.exposures ?? []).map { WireExposure(point: $0.point, treatment: $0.treatment, atMillis: $0.atMillis) }
        return response
    }

    /// The purchases of every shopper partition held here.
    private func allPurchaseSummaries() async -> [PurchaseSummary] {
        var summaries: [PurchaseSummary] = []
        for partition in table.partitions {
            guard let replica = table[partition], replica.complete else { continue }
            summaries += await replica.shoppers.purchaseSummaries()
        }
        return summaries
    }
}
