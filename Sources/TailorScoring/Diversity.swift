import TailorModel

/// How the gateway shapes the final answer.
package struct DiversityPolicy: Sendable {
    /// Largest share of the answer one leaf category may take.
    package var maxCategoryShare: Double
    /// Mix about 70 % predicted, 20 % trending, 10 % discovery.
    package var mix: Bool

    package init(maxCategoryShare: Double = 0.6, mix: Bool = false) {
        self.maxCategoryShare = maxCategoryShare
        self.mix = mix
    }

    package static let defaults = DiversityPolicy()
}

/// Picks the final `k` from the merged lists: a cap per leaf category so one
/// department does not fill the answer, and, with the mix, shares for trending and
/// discovery products. It never returns fewer than available: when the cap leaves
/// slots empty, it is relaxed in rank order.
package enum Diversity {
    /// Share of trending and discovery products in a mixed answer.
    static let trendingShare = 0.2
    static let discoveryShare = 0.1

    /// The answer: predicted, then trending, then discovery, each in the order picked
    /// (products let in by relaxing the cap come after those within it).
    package static func select(
        ranked: [ScoredCandidate], trending: [ScoredCandidate], discovery: [ScoredCandidate], k: Int,
        policy: DiversityPolicy
    ) -> [ScoredCandidate] {
        guard k > 0 else { return [] }
        return pick(ranked: ranked, trending: trending, discovery: discovery, k: k, policy: policy, tracing: false).answer
    }

    /// ``select(ranked:trending:discovery:k:policy:)`` and what it decided, for a decision trace.
    package static func explain(
        ranked: [ScoredCandidate], trending: [ScoredCandidate], discovery: [ScoredCandidate], k: Int,
        policy: DiversityPolicy
    ) -> DiversityOutcome {
        guard k > 0 else { return DiversityOutcome(answer: [], trendingSlots: [], discoverySlots: [], capped: []) }
        let picker = pick(ranked: ranked, trending: trending, discovery: discovery, k: k, policy: policy, tracing: true)
        return DiversityOutcome(
            answer: picker.answer, trendingSlots: Set((picker.parts[.trending] ?? []).map(\.product)),
            discoverySlots: Set((picker.parts[.discovery] ?? []).map(\.product)), capped: picker.capped
        )
    }

    private static func pick(
        ranked: [ScoredCandidate], trending: [ScoredCandidate], discovery: [ScoredCandidate], k: Int,
        policy: DiversityPolicy, tracing: Bool
    ) -> Picker {
        // The epsilon keeps 0.6 × 5 at 3 when binary floating point makes it 3.0000000001.
        var picker = Picker(cap: max(1, Int((policy.maxCategoryShare * Double(k) - 1e-9).rounded(.up))), tracing: tracing)
        guard policy.mix else {
            picker.take(from: ranked, upTo: k, into: .predicted)
            picker.relax(from: [ranked], total: k)
            return picker
        }
        let trendingQuota = Int((trendingShare * Double(k)).rounded(.toNearestOrAwayFromZero))
        let discoveryQuota = Int((discoveryShare * Double(k)).rounded(.toNearestOrAwayFromZero))
        let predictedQuota = max(0, k - trendingQuota - discoveryQuota)
        picker.take(from: ranked, upTo: predictedQuota, into: .predicted)
        picker.take(from: trending, upTo: trendingQuota, into: .trending)
        picker.take(from: discovery, upTo: discoveryQuota, into: .discovery)
        // Predicted fills what trending and discovery could not, then the others.
        picker.take(from: ranked, upTo: k - picker.count, into: .predicted)
        picker.take(from: trending, upTo: k - picker.count, into: .trending)
        picker.take(from: discovery, upTo: k - picker.count, into: .discovery)
        picker.relax(from: [ranked, trending, discovery], total: k)
        return picker
    }
}

/// What ``Diversity/explain(ranked:trending:discovery:k:policy:)`` decided.
package struct DiversityOutcome: Sendable {
    package var answer: [ScoredCandidate]
    /// The products shown in the mix's trending and discovery slots.
    package var trendingSlots: Set<String>
    package var discoverySlots: Set<String>
    /// Products the category cap passed over at least once.
    package var capped: Set<String>
}

/// The state of one selection.
private struct Picker {
    enum Part { case predicted, trending, discovery }

    let cap: Int
    var parts: [Part: [ScoredCandidate]] = [:]
    var chosen = Set<String>()
    var perCategory: [String: Int] = [:]
    /// Whether to note the products the cap passes over (``capped``).
    let tracing: Bool
    var capped = Set<String>()

    init(cap: Int, tracing: Bool = false) {
        self.cap = cap
        self.tracing = tracing
    }

    var count: Int { chosen.count }

    var answer: [ScoredCandidate] {
        (parts[.predicted] ?? []) + (parts[.trending] ?? []) + (parts[.discovery] ?? [])
    }

    /// Takes up to `limit` new products from `list` in order, within the category cap.
    mutating func take(from list: [ScoredCandidate], upTo limit: Int, into part: Part) {
        var taken = 0
        for candidate in list where taken < limit {
            guard !chosen.contains(candidate.product) else { continue }
            guard perCategory[candidate.category, default: 0] < cap else {
                if tracing { capped.insert(candidate.product) }
                continue
            }
            add(candidate, to: part)
            taken += 1
        }
    }

    /// Fills the remaining slots ignoring the cap, best-ranked first.
    mutating func relax(from lists: [[ScoredCandidate]], total: Int) {
        for (index, list) in lists.enumerated() {
            let part: Part = index == 0 ? .predicted : index == 1 ? .trending : .discovery
            for candidate in list where count < total && !chosen.contains(candidate.product) {
                add(candidate, to: part)
            }
        }
    }

    private mutating func add(_ candidate: ScoredCandidate, to part: Part) {
        chosen.insert(candidate.product)
        perCategory[candidate.category, default: 0] += 1
        parts[part, default: []].append(candidate)
    }
}
