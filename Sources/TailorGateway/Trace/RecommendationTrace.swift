import Foundation
import TailorModel
import TailorScoring

/// The decision trace of one recommendation, as `GET /v1/recommendations/{id}/trace`
/// answers it (docs/trace.md): what was asked, what was shown and where each item came
/// from, and the best candidates that were considered and not shown, with why.
struct RecommendationTrace: Encodable, Sendable {
    var recommendationId = ""
    var at = Date(timeIntervalSince1970: 0)
    var placement: Placement
    var shopper: String
    var strategy: Strategy
    /// The resolved signal weights the nodes scored with.
    var weights: Signals
    var k: Int
    var mix: Bool
    var experiment: String?
    var variant: String?
    var coverage: Coverage
    /// The gateway that answered, and keeps this trace.
    var gateway = ""
    var shown: [Shown]
    /// At most ``removedLimit``, best score first.
    var removed: [Removed]
    /// Removed candidates left off past ``removedLimit``.
    var removedOmitted: Int

    /// Removed candidates a trace keeps: every reason but `below_k` first, best score first,
    /// then `below_k` (the largest group) while room remains.
    static let removedLimit = 50

    struct Shown: Encodable, Sendable {
        var product: String
        var title: String
        var position: Int
        var score: Float
        /// Each signal's weighted contribution, as the answer's items carry them.
        var signals: Signals
        var origin: Origin
    }

    struct Origin: Encodable, Sendable {
        /// ``CandidateOrigin/Source``, or `unknown` when no node reported one.
        var source: String
        var seeds: [String]?
        var attributes: [String]?
    }

    struct Removed: Encodable, Sendable {
        var product: String
        var title: String
        var score: Float
        var signals: Signals
        /// ``RemovedCandidate/Reason``.
        var removedBy: String
        var detail: String?
    }
}

/// What the gateway notes while answering a traced request, for ``RecommendationTrace/assemble``.
struct TraceNotes: Sendable {
    /// Candidates the gateway's inventory view turned away (out of stock, or deleted).
    var unavailable: [ScoredCandidate]
    /// Each candidate's rank by score before a placement rule reordered them.
    var ranks: [String: Int]
    /// Candidates a placement rule moved back (add-ons: the cart's own categories).
    var pushedBack: Set<String> = []
    var diversity: DiversityOutcome?

    init(unavailable: [ScoredCandidate], ranks ranked: [ScoredCandidate]) {
        self.unavailable = unavailable
        var ranks: [String: Int] = [:]
        for (rank, candidate) in ranked.enumerated() where ranks[candidate.product] == nil { ranks[candidate.product] = rank }
        self.ranks = ranks
    }
}
