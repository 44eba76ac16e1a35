import TailorModel
import TailorScoring
import TailorWire

extension RecommendationTrace {
    /// The trace of one answer (its id, time and experiment still to fill).
    ///
    /// - `pool`: the merged candidates the diversity selection chose from, in its order
    ///   (after the inventory check and any placement rule).
    /// - `origins`, `nodeRemoved`: what the nodes reported.
    /// - `isDeleted`: whether a product the inventory check turned away is gone from
    ///   the catalog (else it is out of stock).
    static func assemble(
        request: RecommendationRequest, weights: Signals, answer: RecommendationResponse, pool: [ScoredCandidate], notes: TraceNotes,
        origins: [String: CandidateOrigin], nodeRemoved: [RemovedCandidate], isDeleted: (String) -> Bool
    ) -> RecommendationTrace {
        let k = request.resolvedK
        let mix = request.mix ?? false
        let diversity = notes.diversity
        let shown = answer.items.map { item in
            var origin = Origin(source: "unknown")
            if let reported = origins[item.product] {
                origin = Origin(
                    source: reported.source.rawValue, seeds: reported.seeds.isEmpty ? nil : reported.seeds,
                    attributes: reported.attributes.isEmpty ? nil : reported.attributes
                )
            }
            // The mix's slots say why it is shown, whatever brought it into the candidates.
            if diversity?.trendingSlots.contains(item.product) == true { origin.source = CandidateOrigin.Source.trending.rawValue }
            if diversity?.discoverySlots.contains(item.product) == true { origin.source = CandidateOrigin.Source.discovery.rawValue }
            return Shown(product: item.product, title: item.title, position: item.position, score: item.score, signals: item.signals, origin: origin)
        }

        let shownProducts = Set(answer.items.map(\.product))
        var seen = shownProducts
        var removed: [RemovedCandidate] = []
        func add(_ candidate: ScoredCandidate, _ reason: RemovedCandidate.Reason, _ detail: String = "") {
            guard seen.insert(candidate.product).inserted else { return }
            removed.append(RemovedCandidate(
                product: candidate.product, title: candidate.title, score: candidate.score, signals: candidate.signals, reason: reason, detail: detail
            ))
        }
        for candidate in notes.unavailable {
            if isDeleted(candidate.product) {
                add(candidate, .filter, "deleted from the catalog")
            } else {
                add(candidate, .outOfStock, "no stock in the gateway's inventory view")
            }
        }
        for candidate in pool where !shownProducts.contains(candidate.product) {
            let rank = notes.ranks[candidate.product] ?? .max
            if diversity?.capped.contains(candidate.product) == true {
                add(candidate, .categoryCap, "its category had its share of the answer")
            } else if notes.pushedBack.contains(candidate.product), rank < k {
                add(candidate, .rule, "add-ons: products of the cart's own category come after the others")
            } else if mix, rank < k {
                add(candidate, .mix, "its place went to a trending or discovery product")
            } else {
                add(candidate, .belowK)
            }
        }
        for candidate in nodeRemoved where seen.insert(candidate.product).inserted { removed.append(candidate) }

        // Every reason but below_k first (they explain something), then the best of below_k.
        var kept = removed.filter { $0.reason != .belowK }.sorted(by: RemovedCandidate.ranksBefore).prefix(removedLimit)
        kept += removed.filter { $0.reason == .belowK }.sorted(by: RemovedCandidate.ranksBefore).prefix(removedLimit - kept.count)
        let listed = kept.sorted(by: RemovedCandidate.ranksBefore).map {
            Removed(product: $0.product, title: $0.title, score: $0.score, signals: $0.signals, removedBy: $0.reason.rawValue, detail: $0.detail.isEmpty ? nil : $0.detail)
        }
        return RecommendationTrace(
            placement: request.placement, shopper: request.shopper, strategy: request.resolvedStrategy, weights: weights, k: k, mix: mix,
            coverage: answer.coverage, shown: shown, removed: listed, removedOmitted: removed.count - listed.count
        )
    }
}

extension WireCandidateOrigin {
    /// Nil for a source this gateway does not know (a newer node's).
    var model: CandidateOrigin? {
        CandidateOrigin.Source(rawValue: source).map { CandidateOrigin(product: product, source: $0, seeds: seeds, attributes: attributes) }
    }
}

extension WireRemovedCandidate {
    var model: RemovedCandidate? {
        RemovedCandidate.Reason(rawValue: removedBy).map {
            RemovedCandidate(product: product, title: title, score: score, signals: signals.model, reason: $0, detail: detail)
        }
    }
}
