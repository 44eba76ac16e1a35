import Foundation
import Logging
import Metrics
import NIOCore
import TailorMembership
import TailorModel
import TailorScoring
import TailorWire

/// Answers `POST /v1/recommendations` by scatter-gather (DESIGN.md §3): one
/// scoring call per node naming the catalog partitions it scores this time, then
/// merge, inventory check, diversity and reasons. When the members holding the
/// shopper's partition hold every catalog partition (3 nodes with R = 2: any two
/// do), only they are asked and each builds the shopper's situation from its own
/// replica of the profile; otherwise the situation is read from the shopper's
/// partition first and sent to every node. Partitions whose replica does not
/// answer are asked again on another replica while time remains; what is still
/// missing at the deadline makes the answer degraded, never an error on its own.
struct Recommender: Sendable {
    let cluster: ClusterClient
    let mirror: CatalogMirror
    let deadline: Duration
    /// What a request without `personalization` means (`--consent`).
    var consent: ConsentPolicy = .assumed
    let logger: Logger

    /// `readsHistory: false` answers as for an anonymous shopper whatever the consent
    /// (an experiment's `popularity` control).
    ///
    /// `facts`: a decision's facts request, sent along with the scoring call of the
    /// first member holding the shopper's partition when the fast path runs; answered
    /// (nil when it did not run or that member did not answer them: the caller asks
    /// on its own then).
    func recommend(
        _ request: RecommendationRequest, readsHistory: Bool = true, facts: WireFactsRequest? = nil
    ) async -> (answer: RecommendationResponse, facts: WireFactsResponse?) {
        let answer = await recommend(request, readsHistory: readsHistory, facts: facts, tracing: false)
        return (answer.answer, answer.facts)
    }

    /// ``recommend(_:readsHistory:facts:)`` that, when `tracing`, also answers the
    /// decision trace (``RecommendationTrace``; its id, time and experiment are the caller's
    /// to fill): the nodes report origins and what they removed, and this gateway what
    /// its inventory check, placement rule and diversity selection removed.
    func recommend(
        _ request: RecommendationRequest, readsHistory: Bool, facts: WireFactsRequest?, tracing: Bool
    ) async -> (answer: RecommendationResponse, facts: WireFactsResponse?, trace: RecommendationTrace?) {
        let started = ContinuousClock.now
        let end = started + deadline
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        var reasons: [String] = []

        let context = request.context ?? RecommendationContext()
        let cart = (context.cart ?? []).map(mirror.ref)
        let situationContext = SituationContext(request: request, anchor: context.product.map(mirror.ref), cart: cart)
        let k = request.resolvedK
        var score = WireScoreRequest()
        score.weights = WireSignals(ScoringWeights.resolve(
            placement: request.placement, strategy: request.resolvedStrategy, overrides: request.weights
        ))
        // Room for what the inventory check and the diversity cap will drop; the pool
        // is every node's list, so each node's share can stay small.
        score.k = UInt32(min(max(3 * k, 16), 150))
        score.filters = WireFilters(request.resolvedFilters)
        score.placement = request.placement.rawValue
        score.nowMillis = nowMillis
        score.mix = request.mix ?? false
        score.trace = tracing

        var gathered = ScatterAnswers(count: cluster.shardMap.partitionCount)
        // Without consent the shopper's stored history is not read: the answer is an
        // anonymous shopper's, with the request's own context (not stored) only.
        let personalization = consent.resolve(request.personalization)
        let personalized = personalization == .granted && readsHistory
        // Fast path: when the members holding the shopper's partition hold every
        // catalog partition, they build the situation themselves (one call per member
        // instead of a situation call before the scatter).
        if personalized, let plan = cluster.planWithProfile(of: request.shopper) {
            var situated = score
            situated.user = request.shopper
            situated.context = WireSituationContext(situationContext)
            // A hedge may go to a replica that does not hold the shopper: it gets the situation.
            let asker = facts.flatMap { _ in plan.keys.min() }
            await scatter(situated, plan: plan, into: &gathered, until: end, facts: facts.map { (asker ?? "", $0) }) { [self, score] in
                var hedge = score
                let profile = try await situation(of: request.shopper, nowMillis: nowMillis, until: end)
                hedge.situation = WireSituation(SituationBuilder.merge(profile: profile, context: situationContext))
                return hedge
            }
        }
        if !gathered.pending.isEmpty, end > .now {
            var profile = Situation()
            if personalized {
                do {
                    profile = try await situation(of: request.shopper, nowMillis: nowMillis, until: end)
                } catch {
                    reasons.append("the shopper's profile could not be read (\(error))")
                }
            }
            score.situation = WireSituation(SituationBuilder.merge(profile: profile, context: situationContext))
            await gather(score, into: &gathered, until: end)
        }
        if !gathered.pending.isEmpty {
            let why = gathered.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            reasons.append(
                "\(gathered.pending.count) of \(cluster.shardMap.partitionCount) catalog partitions did not answer in time"
                    + (why.isEmpty ? "" : " (\(why))")
            )
        }

        let requireStock = request.resolvedFilters.inStockOnly ?? true
        let keep = { (candidate: ScoredCandidate) in
            candidate.score.isFinite && mirror.isRecommendable(candidate.product, requireStock: requireStock)
        }
        let pool = CandidateMerge.merge(gathered.ranked, k: Int(score.k) * max(1, gathered.ranked.count))
        var merged = pool.filter(keep)
        var traced = tracing ? TraceNotes(unavailable: pool.filter { !keep($0) && $0.score.isFinite }, ranks: merged) : nil
        if request.placement == .cartAddons || request.placement == .checkoutOffer {
            // Add-ons complement the cart: products of the cart's own leaf categories
            // (substitutes for what is already in it) come after the others.
            let cartCategories = Set(cart.map(\.category).filter { !$0.isEmpty })
            merged = merged.filter { !cartCategories.contains($0.category) } + merged.filter { cartCategories.contains($0.category) }
            traced?.pushedBack = Set(merged.lazy.filter { cartCategories.contains($0.category) }.map(\.product))
        }
        let trending = CandidateMerge.merge(gathered.trending, k: k).filter(keep)
        let discovery = CandidateMerge.merge(gathered.discovery, k: k).filter(keep)
        let policy = DiversityPolicy(maxCategoryShare: request.maxCategoryShare ?? DiversityPolicy.defaults.maxCategoryShare, mix: request.mix ?? false)
        let chosen: [ScoredCandidate]
        if traced != nil {
            let outcome = Diversity.explain(ranked: merged, trending: trending, discovery: discovery, k: k, policy: policy)
            traced?.diversity = outcome
            chosen = outcome.answer
        } else {
            chosen = Diversity.select(ranked: merged, trending: trending, discovery: discovery, k: k, policy: policy)
        }
        let items = chosen.enumerated().map { offset, candidate in
            let links = mirror.links(candidate.product)
            return RecommendedItem(
                product: candidate.product, title: candidate.title, category: candidate.category, price: candidate.price,
                score: candidate.score, signals: candidate.signals,
                reason: ReasonWriter.sentence(
                    for: candidate, placement: request.placement, strategy: request.resolvedStrategy,
                    becauseOfTitle: candidate.becauseOf.flatMap(mirror.title)
                ),
                position: offset + 1, url: links.url, imageURL: links.imageURL
            )
        }
        let partitions = cluster.shardMap.partitionCount
        let coverage = Coverage(
            partitions: partitions, answered: partitions - gathered.pending.count, degraded: !reasons.isEmpty,
            reasons: reasons.isEmpty ? nil : reasons
        )
        let took = ContinuousClock.now - started
        GatewayMetrics.recommendationDuration[request.placement]?.record(duration: took)
        GatewayMetrics.traffic.countRecommendation(took: took, degraded: !reasons.isEmpty)
        if let answers = GatewayMetrics.recommendations[request.placement] { (reasons.isEmpty ? answers.full : answers.degraded).increment() }
        var response = RecommendationResponse(
            items: items, coverage: coverage, placement: request.placement, strategy: request.resolvedStrategy,
            tookMs: took.milliseconds,
            personalization: personalization
        )
        response.personalized = personalized
        let trace = traced.map { notes in
            RecommendationTrace.assemble(
                request: request, weights: score.weights.model, answer: response, pool: merged, notes: notes,
                origins: gathered.origins, nodeRemoved: gathered.removed,
                isDeleted: { !mirror.isRecommendable($0, requireStock: false) }
            )
        }
        return (response, gathered.facts, trace)
    }

    /// Asks the replicas of the shopper's partition in turn, each for an equal share of
    /// the time left: a replica that stopped answering (paused, cut off, not yet
    /// suspected) must not hold the hedge that needs this situation until the deadline.
    private func situation(of shopper: String, nowMillis: Int64, until end: ContinuousClock.Instant) async throws -> Situation {
        var request = WireSituationRequest()
        request.user = shopper
        request.nowMillis = nowMillis
        let partition = cluster.shardMap.partition(of: shopper)
        let share = (end - .now) / max(1, cluster.readOrder(of: partition).count)
        let response: WireSituationResponse = try await cluster.callAnyReplica(
            of: partition, WireMethods.situation, request, attemptTimeout: share, until: end
        )
        return response.known ? response.situation.model : Situation()
    }

    /// What the scatter has so far: each answering member's lists, the partitions
    /// still unscored, and the members already asked for each partition.
    struct ScatterAnswers {
        var ranked: [[ScoredCandidate]] = []
        var trending: [[ScoredCandidate]] = []
        var discovery: [[ScoredCandidate]] = []
        var pending: Set<Int>
        var tried: [Set<String>]
        /// Why members did not answer, by member (for the degraded answer's reason).
        var failures: [String: String] = [:]
        /// A decision's facts, when a member answered them with its scoring.
        var facts: WireFactsResponse?
        /// A traced request's origins, by product, and what the nodes removed.
        var origins: [String: CandidateOrigin] = [:]
        var removed: [RemovedCandidate] = []

        init(count: Int) {
            pending = Set(0..<count)
            tried = Array(repeating: [], count: count)
        }

        /// Records that `plan`'s members are asked for its partitions (call when sending).
        mutating func markTried(_ plan: [String: [UInt32]]) {
            for (member, partitions) in plan {
                for partition in partitions { tried[Int(partition)].insert(member) }
            }
        }
    }

    /// Scores every pending catalog partition, on one replica each; a partition whose
    /// replica fails is planned again on its next replica while time remains.
    private func gather(_ score: WireScoreRequest, into gathered: inout ScatterAnswers, until end: ContinuousClock.Instant) async {
        while !gathered.pending.isEmpty, end > .now {
            var plan: [String: [UInt32]] = [:]
            for partition in gathered.pending {
                guard let member = cluster.readOrder(of: partition).first(where: { !gathered.tried[partition].contains($0) }) else { continue }
                plan[member, default: []].append(UInt32(partition))
            }
            if plan.isEmpty { break }
            await scatter(score, plan: plan, into: &gathered, until: end) { [score] in score }
        }
    }
}
