import Foundation
import TailorJourneys
import TailorModel
import TailorOutcomes

extension GatewayService {
    /// `POST /v1/decisions`: reads the shopper's facts once (from their partition, with
    /// the treatments shown to them within the longest cap window: along with the first
    /// placement's scoring when it can, else in a call of its own), finds their segments, decides each point (an experiment's variant,
    /// else the first rule of a segment they are in whose treatment is not capped, else
    /// the default) and answers each recommendation placement under the first segment's
    /// recommendation override.
    ///
    /// A decision stores nothing: what caps and experiments count is what the
    /// storefront reports shown (an impression with the decision's id), stored with the
    /// shopper, so a treatment decided but never on screen (an exit offer whose shopper
    /// stayed) does not use up its cap, and every gateway's next decision reads it.
    func decide(_ request: DecisionRequest, using recommender: Recommender) async -> DecisionResponse {
        let started = ContinuousClock.now
        let end = started + configuration.recommendationDeadline
        let now = Date()
        let nowMillis = Int64(now.timeIntervalSince1970 * 1000)
        let personalization = configuration.consent.resolve(request.personalization)
        var reasons: [String] = []

        let points = request.points.filter { Placement(rawValue: $0) == nil }
        let definitions = Dictionary(uniqueKeysWithValues: points.compactMap { id in decisionPoints.entry(id: id).map { (id, $0.definition) } })
        let longestCap = definitions.values.flatMap(\.treatments).compactMap(\.cap?.windowSeconds).max() ?? 0
        let factsRequest = Self.factsRequest(
            of: request.shopper, context: request.context, shownSince: longestCap > 0 ? nowMillis - Int64(longestCap) * 1_000 : 0,
            nowMillis: nowMillis
        )
        let live = liveSegments
        var placements = request.placements[...]
        var recommendations: [RecommendationResponse] = []
        var reading: ShopperFactsReading?
        // When the first placement needs no segments before it is scored, the facts ride
        // on its scoring call to a member holding the shopper: one call fewer.
        if personalization == .granted, let first = placements.first, !needsSegments(first, live: live, now: now) {
            placements.removeFirst()
            let (answer, facts) = await recommend(request.recommendation(first), using: recommender, segments: [], facts: factsRequest)
            recommendations.append(answer)
            reading = facts.map(ShopperFactsReading.init)
        }
        let facts: ShopperFactsReading
        if let reading {
            facts = reading
        } else {
            facts = await readFacts(factsRequest, readsHistory: personalization == .granted, until: end)
        }
        if let problem = facts.problem { reasons.append(problem) }
        let memberOf = live.filter { $0.rule.holds(for: facts.facts) }

        var answers: [DecisionResponse.PointAnswer] = []
        for point in points {
            guard let definition = definitions[point] else {
                answers.append(.init(point: point, why: "no decision point '\(point)' is defined (PUT /v1/decision-points/\(point))"))
                continue
            }
            let assigned = experiments.assign(
                point: point, shopper: request.shopper, context: request.context, segment: memberOf.first?.id, now: now
            )
            let decision = PointDecision.decide(
                point: point, definition: definition, segments: memberOf.map(\.id), shown: facts.shown, nowMillis: nowMillis,
                experiment: assigned?.experiment, experimentVariant: assigned?.variant.name
            )
            var answer = DecisionResponse.PointAnswer(
                point: point, treatment: decision.treatment, why: decision.why, segment: decision.segment,
                experiment: assigned?.experiment, variant: assigned?.variant.name
            )
            if let treatment = decision.treatment {
                answer.decisionId = recommendationIDs.encode(.decision(
                    issuedMillis: nowMillis, nonce: UInt64.random(in: .min ... .max), point: point, treatment: treatment.id,
                    experiment: assigned?.experiment ?? "", context: assigned?.context ?? "",
                    propensity: Float(max(assigned?.propensity ?? 1, 1e-6))
                ))
            }
            answers.append(answer)
        }

        for placement in placements {
            recommendations.append(await recommend(request.recommendation(placement), using: recommender, segments: memberOf))
        }
        for answer in recommendations {
            if let why = answer.coverage.reasons { reasons += why.map { "\(answer.placement.rawValue): \($0)" } }
        }

        return DecisionResponse(
            user: request.shopper, segments: memberOf.map(\.id), decisions: answers, recommendations: recommendations,
            personalization: personalization, degraded: !reasons.isEmpty, reasons: reasons.isEmpty ? nil : reasons,
            tookMs: (ContinuousClock.now - started).milliseconds
        )
    }

    /// Whether a recommendation on `placement` needs the shopper's segments before it
    /// is scored: a live segment overrides recommendations, or the placement's experiment
    /// keeps posteriors per segment.
    func needsSegments(_ placement: Placement, live: [LiveSegment], now: Date) -> Bool {
        experiments.needsSegment(placement: placement, now: now) || live.contains { $0.definition.recommendations != nil }
    }

    /// The live segments the request's shopper is in (in priority order), read only
    /// when something needs them (``needsSegments(_:live:now:)``). Nil when nothing
    /// does, or the shopper has not consented (nothing of theirs is read).
    func segmentsIfNeeded(for request: RecommendationRequest, now: Date) async -> [LiveSegment]? {
        let live = liveSegments
        guard needsSegments(request.placement, live: live, now: now), configuration.consent.resolve(request.personalization) == .granted else {
            return nil
        }
        let facts = Self.factsRequest(
            of: request.shopper, context: request.context, shownSince: 0, nowMillis: Int64(now.timeIntervalSince1970 * 1000)
        )
        let reading = await readFacts(facts, readsHistory: true, until: .now + configuration.recommendationDeadline / 2)
        return live.filter { $0.rule.holds(for: reading.facts) }
    }

    /// `request` with the recommendation override of the first of `segments` that has
    /// one, for what the request leaves unsaid.
    static func applyingOverride(of segments: [LiveSegment], to request: RecommendationRequest) -> RecommendationRequest {
        guard let override = segments.first(where: { $0.definition.recommendations != nil })?.definition.recommendations else { return request }
        var request = request
        if request.strategy == nil { request.strategy = override.strategy }
        if request.weights == nil { request.weights = override.weights }
        if request.filters == nil { request.filters = override.filters }
        return request
    }
}
