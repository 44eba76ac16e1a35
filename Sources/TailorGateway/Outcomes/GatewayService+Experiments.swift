import Foundation
import HTTPTypes
import TailorMembership
import TailorModel
import TailorOutcomes
import TailorWire

extension GatewayService {
    /// A recommendation under the experiment running on its placement, if any: the
    /// request's unset fields come from the placement's saved strategy settings, the
    /// variant's strategy, weights, mix and k replace them, a `popularity`
    /// control answers without the shopper's history and with popularity alone, a
    /// `holdout` answers nothing. Every answer gets a `recommendationId` that records
    /// the placement, the experiment, variant, context and the variant's probability.
    ///
    /// Segments: the request is answered under the `recommendations` override of the
    /// first segment the shopper is in that has one, and an experiment with a `segment`
    /// context chooses by the first segment. `segments` are the shopper's when the
    /// caller has them (a decision); otherwise they are read (one call to the shopper's
    /// partition) only when a live segment has an override or such an experiment runs.
    ///
    /// `alwaysTrace`: keep this answer's decision trace whatever `--trace-sample` says
    /// (an admin key's recommendation: the console reads the trace of what it asks).
    func recommend(
        _ request: RecommendationRequest, using recommender: Recommender, segments known: [LiveSegment]? = nil, alwaysTrace: Bool = false
    ) async -> RecommendationResponse {
        await recommend(request, using: recommender, segments: known, facts: nil, alwaysTrace: alwaysTrace).answer
    }

    /// ``recommend(_:using:segments:)`` that also asks a decision's `facts` of the
    /// member scoring with the shopper's profile, when there is one (see
    /// ``Recommender/recommend(_:readsHistory:facts:)``).
    func recommend(
        _ request: RecommendationRequest, using recommender: Recommender, segments known: [LiveSegment]?, facts: WireFactsRequest?,
        alwaysTrace: Bool = false
    ) async -> (answer: RecommendationResponse, facts: WireFactsResponse?) {
        let started = ContinuousClock.now
        let now = Date()
        var segments = known
        if segments == nil { segments = await segmentsIfNeeded(for: request, now: now) }
        var request = Self.applyingOverride(of: segments ?? [], to: request)
        let assigned = experiments.assign(
            placement: request.placement, shopper: request.shopper, context: request.context, segment: segments?.first?.id, now: now
        )
        // The placement's saved settings fill what the request (and its segment) left
        // unset, before the variant's values replace them; weights are those saved for
        // the strategy the answer is scored with, the variant's when it names one.
        request = fillingFromStrategySettings(request, scoredStrategy: assigned?.variant.strategy)
        var effective = request
        var readsHistory = true
        var holdout = false
        if let variant = assigned?.variant {
            if let strategy = variant.strategy { effective.strategy = strategy }
            if let weights = variant.weights { effective.weights = weights }
            if let mix = variant.mix { effective.mix = mix }
            if let k = variant.k { effective.k = k }
            switch variant.control {
            case .popularity:
                effective.strategy = .conversion
                effective.weights = SignalWeightOverrides(
                    collaborative: 0, content: 0, popularity: 1, trending: 0, inventory: 0, margin: 0, stockPressure: 0
                )
                effective.mix = false
                readsHistory = false
            case .holdout:
                holdout = true
            case nil:
                break
            }
        }
        var response: RecommendationResponse
        var factsAnswer: WireFactsResponse?
        var trace: RecommendationTrace?
        if holdout {
            let took = ContinuousClock.now - started
            response = RecommendationResponse(
                items: [], coverage: Coverage(partitions: cluster.shardMap.partitionCount, answered: 0, degraded: false),
                placement: request.placement, strategy: effective.resolvedStrategy,
                tookMs: took.milliseconds,
                personalization: configuration.consent.resolve(request.personalization)
            )
            response.personalized = false
        } else {
            (response, factsAnswer, trace) = await recommender.recommend(effective, readsHistory: readsHistory, facts: facts, tracing: traces.shouldTrace(always: alwaysTrace))
        }
        let ref = RecommendationRef(
            issuedMillis: Int64(now.timeIntervalSince1970 * 1000), nonce: UInt64.random(in: .min ... .max), placement: request.placement,
            experiment: assigned?.experiment ?? "", variant: assigned?.variant.name ?? "", context: assigned?.context ?? "",
            propensity: Float(max(assigned?.propensity ?? 1, 1e-6))
        )
        response.recommendationId = recommendationIDs.encode(ref)
        response.experiment = assigned?.experiment
        response.variant = assigned?.variant.name
        recordTrace(trace, answer: response, ref: ref)
        return (response, factsAnswer)
    }

    /// Why an event's `recommendationId` is refused when this cluster did not make it.
    static let foreignRecommendationProblem =
        "is not a recommendation id this cluster made (use the recommendationId of a POST /v1/recommendations answer)"

    /// Whether `id` is a recommendation id this cluster made (its MAC checks).
    func isOwnRecommendationID(_ id: String) -> Bool {
        recommendationIDs.decode(id) != nil
    }

    /// Refuses a batch naming a `recommendationId` this cluster did not make (400,
    /// naming the event): nothing of the batch is stored.
    func checkRecommendationIDs(_ batch: EventBatch) throws {
        for (index, event) in batch.events.enumerated() {
            guard let id = event.recommendationId else { continue }
            if !isOwnRecommendationID(id) {
                throw APIError(status: .badRequest, field: "events[\(index)].recommendationId", problem: Self.foreignRecommendationProblem)
            }
        }
    }
}
