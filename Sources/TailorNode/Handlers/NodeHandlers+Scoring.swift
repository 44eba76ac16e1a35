import HTTPTypes
import TailorCRDT
import TailorHTTP2
import TailorMembership
import TailorModel
import TailorRPC
import TailorScoring
import TailorStore
import TailorWire

extension NodeHandlers {
    /// A shopper's situation, and scoring of catalog partitions. Both wait for the node's data.
    func registerScoring(on router: inout HTTP2Router) {
        router.register(WireMethods.situation, admit: { try requireReady() }) { try await situation($0) }
        router.register(WireMethods.score, admit: { try requireReady() }) { try await score($0) }
    }

    func situation(_ request: WireSituationRequest) async throws -> WireSituationResponse {
        let replica = try heldComplete(shardMap.partition(of: request.user))
        var response = WireSituationResponse()
        if let situation = await replica.shoppers.situation(of: request.user, nowMillis: request.nowMillis) {
            response.known = true
            response.situation = WireSituation(situation)
        }
        return response
    }

    func score(_ request: WireScoreRequest) async throws -> WireScoreResponse {
        guard let placement = Placement(rawValue: request.placement) else {
            throw HTTP2ServerError(.badRequest, "unknown placement '\(request.placement)'")
        }
        let situation: Situation
        var facts: WireFactsResponse?
        if request.user.isEmpty {
            situation = request.situation.model
        } else {
            // The gateway sends the shopper instead of their situation to members
            // that hold the shopper's partition (scoring.proto, ScoreRequest).
            // A replica that is not here (the caller's shard map is ahead of this node's,
            // moments after a membership change) or still awaits hand-off: the caller sends
            // the situation instead (this node scores nothing now; it is asked again with it).
            try requireReady()
            guard let replica = table[shardMap.partition(of: request.user)], replica.complete else {
                var response = WireScoreResponse()
                response.situationUnavailable = true
                return response
            }
            let profile: Situation?
            if request.hasFacts {
                // A decision's facts, read in the same hop as the situation.
                let inputs = await replica.shoppers.factsInputs(
                    of: request.user, nowMillis: request.nowMillis, exposuresSince: request.facts.exposuresSinceMillis, withSituation: true
                )
                facts = await self.facts(request.facts, inputs: inputs)
                profile = inputs?.situation
            } else {
                profile = await replica.shoppers.situation(of: request.user, nowMillis: request.nowMillis)
            }
            situation = SituationBuilder.merge(profile: profile ?? Situation(), context: request.context.model(placement: placement))
        }
        var query = ScoringQuery(
            situation: situation, weights: request.weights.model, k: Int(request.k),
            filters: request.filters.model, placement: placement, nowMillis: request.nowMillis, mix: request.mix
        )
        query.trace = request.trace
        // One call to the node index for every partition asked. A replica still awaiting
        // hand-off would answer from partial data: left unanswered, so the gateway asks
        // another replica.
        let slots = request.partitions.compactMap { partition -> NodeCatalog.Slot? in
            guard let replica = table[Int(partition)], replica.complete else { return nil }
            return replica.catalog.slot
        }
        let (merged, counted) = await table.catalog.score(table.vocabulary.prepare(query), slots: slots)
        var response = WireScoreResponse()
        response.answered = counted.map { UInt32($0) }
        response.ranked = merged.ranked.map(WireCandidate.init)
        response.trending = merged.trending.map(WireCandidate.init)
        response.discovery = merged.discovery.map(WireCandidate.init)
        if let facts { response.facts = facts }
        if let trace = merged.trace {
            response.origins = trace.origins.map(WireCandidateOrigin.init)
            response.removed = trace.removed.map(WireRemovedCandidate.init)
        }
        return response
    }
}

extension WireCandidateOrigin {
    init(_ origin: CandidateOrigin) {
        self.init()
        product = origin.product
        source = origin.source.rawValue
        seeds = origin.seeds
        attributes = origin.attributes
    }
}

extension WireRemovedCandidate {
    init(_ removed: RemovedCandidate) {
        self.init()
        product = removed.product
        title = removed.title
        score = removed.score
        signals = WireSignals(removed.signals)
        removedBy = removed.reason.rawValue
        detail = removed.detail
    }
}
