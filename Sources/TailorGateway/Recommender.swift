import Foundation
import Logging
import NIOCore
import TailorMembership
import TailorModel
import TailorScoring
import TailorWire

/// Answers `POST /v1/recommendations` by scatter-gather (DESIGN.md §3):
/// the shopper's situation from their user partition, one scoring call per node
/// naming the catalog partitions it scores this time, then merge, inventory check,
/// diversity and reasons. Partitions whose replica does not answer are asked again
/// on another replica while time remains; what is still missing at the deadline
/// makes the answer degraded, never an error on its own.
struct Recommender: Sendable {
    let cluster: ClusterClient
    let view: CatalogView
    let deadline: Duration
    let logger: Logger

    func recommend(_ request: RecommendationRequest) async -> RecommendationResponse {
        let started = ContinuousClock.now
        let end = started + deadline
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        var reasons: [String] = []

        let profile: Situation
        do {
            profile = try await situation(of: request.user, nowMillis: nowMillis, until: end)
        } catch {
            reasons.append("the shopper's profile could not be read (\(error))")
            profile = Situation()
        }
        let context = request.context ?? RecommendationContext()
        let cart = (context.cart ?? []).map(view.ref)
        let situation = SituationBuilder.merge(
            profile: profile, request: request, anchor: context.product.map(view.ref), cart: cart
        )
        let k = request.resolvedK
        var score = WireScoreRequest()
        score.situation = WireSituation(situation)
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

        let gathered = await gather(score, until: end)
        if gathered.missing > 0 {
            reasons.append("\(gathered.missing) of \(cluster.shardMap.partitionCount) catalog partitions did not answer in time")
        }

        let requireStock = request.resolvedFilters.inStockOnly ?? true
        let keep = { (candidate: ScoredCandidate) in
            candidate.score.isFinite && view.isRecommendable(candidate.product, requireStock: requireStock)
        }
        var merged = CandidateMerge.merge(gathered.ranked, k: Int(score.k) * max(1, gathered.ranked.count)).filter(keep)
        if request.placement == .cartAddons || request.placement == .checkoutOffer {
            // Add-ons complement the cart: products of the cart's own leaf categories
            // (substitutes for what is already in it) come after the others.
            let cartCategories = Set(cart.map(\.category).filter { !$0.isEmpty })
            merged = merged.filter { !cartCategories.contains($0.category) } + merged.filter { cartCategories.contains($0.category) }
        }
        let trending = CandidateMerge.merge(gathered.trending, k: k).filter(keep)
        let discovery = CandidateMerge.merge(gathered.discovery, k: k).filter(keep)
        let policy = DiversityPolicy(maxCategoryShare: DiversityPolicy.defaults.maxCategoryShare, mix: request.mix ?? false)
        let chosen = Diversity.select(ranked: merged, trending: trending, discovery: discovery, k: k, policy: policy)
        let items = chosen.map { candidate in
            RecommendedItem(
                product: candidate.product, title: candidate.title, category: candidate.category, price: candidate.price,
                score: candidate.score, signals: candidate.signals,
                reason: ReasonWriter.sentence(
                    for: candidate, placement: request.placement, strategy: request.resolvedStrategy,
                    becauseOfTitle: candidate.becauseOf.flatMap(view.title)
                )
            )
        }
        let partitions = cluster.shardMap.partitionCount
        let coverage = Coverage(
            partitions: partitions, answered: partitions - gathered.missing, degraded: !reasons.isEmpty,
            reasons: reasons.isEmpty ? nil : reasons
        )
        let took = ContinuousClock.now - started
        return RecommendationResponse(
            items: items, coverage: coverage, placement: request.placement, strategy: request.resolvedStrategy,
            tookMs: Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000
        )
    }

    /// Asks the replicas of the shopper's partition in turn.
    private func situation(of user: String, nowMillis: Int64, until end: ContinuousClock.Instant) async throws -> Situation {
        var request = WireSituationRequest()
        request.user = user
        request.nowMillis = nowMillis
        let response: WireSituationResponse = try await cluster.callAnyReplica(
            of: cluster.shardMap.partition(of: user), "/internal/situation", request, until: end
        )
        return response.known ? response.situation.model : Situation()
    }

    struct Gathered {
        var ranked: [[ScoredCandidate]] = []
        var trending: [[ScoredCandidate]] = []
        var discovery: [[ScoredCandidate]] = []
        var missing = 0
    }

    /// Scores every catalog partition once, on one replica each; a partition whose
    /// replica fails is planned again on its next replica while time remains.
    ///
    /// The request is the same for every node but its partitions, so it is encoded
    /// once and each node's partitions are appended as a second message: protobuf
    /// merges concatenated messages, and `template` has no partitions of its own.
    private func gather(_ template: WireScoreRequest, until end: ContinuousClock.Instant) async -> Gathered {
        var gathered = Gathered()
        let count = cluster.shardMap.partitionCount
        let shared: ByteBuffer
        do {
            shared = try template.wireEncoded()
        } catch {
            logger.error("could not encode the scoring request", metadata: ["error": "\(error)"])
            gathered.missing = count
            return gathered
        }
        var pending = Set(0..<count)
        var tried = [Set<String>](repeating: [], count: count)
        while !pending.isEmpty, end > .now {
            var plan: [String: [UInt32]] = [:]
            for partition in pending {
                guard let member = cluster.readOrder(of: partition).first(where: { !tried[partition].contains($0) }) else { continue }
                tried[partition].insert(member)
                plan[member, default: []].append(UInt32(partition))
            }
            if plan.isEmpty { break }
            let remaining = end - .now
            let results = await withTaskGroup(of: Result<WireScoreResponse, NodeCallError>.self) { group in
                for (member, partitions) in plan {
                    var named = WireScoreRequest()
                    named.partitions = partitions.sorted()
                    group.addTask {
                        do {
                            var body = shared
                            body.writeImmutableBuffer(try named.wireEncoded())
                            return .success(try await cluster.call(member, "/internal/score", body: body, timeout: remaining))
                        } catch {
                            return .failure(error as? NodeCallError ?? NodeCallError(member: member, message: "\(error)"))
                        }
                    }
                }
                var results: [Result<WireScoreResponse, NodeCallError>] = []
                for await result in group { results.append(result) }
                return results
            }
            for result in results {
                switch result {
                case .success(let response):
                    for partition in response.answered { pending.remove(Int(partition)) }
                    gathered.ranked.append(response.ranked.map(\.model))
                    gathered.trending.append(response.trending.map(\.model))
                    gathered.discovery.append(response.discovery.map(\.model))
                case .failure(let error):
                    logger.debug("scoring call failed", metadata: ["member": "\(error.member)", "error": "\(error.message)"])
                }
            }
        }
        gathered.missing = pending.count
        return gathered
    }
}
