import TailorModel

/// What one catalog partition scores for one request.
package struct ScoringQuery: Sendable {
    /// The shopper's situation, merged with the request's context.
    package var situation: Situation
    /// The resolved weights (``ScoringWeights/resolve(placement:strategy:overrides:)``).
    package var weights: Signals
    /// Products to return per list.
    package var k: Int
    package var filters: RecommendationFilters
    package var placement: Placement
    /// The request's time: decayed counters are read at it.
    package var nowMillis: Int64
    /// Also return trending and discovery candidates for the gateway's mix.
    package var mix: Bool
    /// Products scoring below this are not returned in `ranked`: the caller already
    /// holds k better ones from other partitions, so building them would be waste.
    package var minimumScore: Float = -.infinity
    /// Scores every product instead of the selected candidates: the reference
    /// `tailor-lab bench scoring` and the tests compare candidate selection against.
    package var scanAll = false
    /// Also report where each returned product came from and the best candidates the
    /// filters and exclusions removed (``ScoringResult/trace``): a decision trace.
    package var trace = false

    package init(
        situation: Situation, weights: Signals, k: Int, filters: RecommendationFilters, placement: Placement,
        nowMillis: Int64, mix: Bool
    ) {
        self.situation = situation
        self.weights = weights
        self.k = k
        self.filters = filters
        self.placement = placement
        self.nowMillis = nowMillis
        self.mix = mix
    }
}

/// What one catalog partition proposes.
package struct ScoringResult: Sendable {
    /// The top k by score, best first.
    package var ranked: [ScoredCandidate]
    /// The top k by trend, best first (empty unless the query asked for the mix).
    package var trending: [ScoredCandidate]
    /// The top k outside the shopper's usual categories (empty unless mix).
    package var discovery: [ScoredCandidate]
    /// Set when the query asked for a trace.
    package var trace: ScoringTrace?

    package init(ranked: [ScoredCandidate], trending: [ScoredCandidate] = [], discovery: [ScoredCandidate] = [], trace: ScoringTrace? = nil) {
        self.ranked = ranked
        self.trending = trending
        self.discovery = discovery
        self.trace = trace
    }
}

/// Buffers the scoring kernel reuses from one query to the next, owned by the
/// caller (the partition actor), so that scoring allocates nothing per product.
/// Per-row buffers grow with the partition and are never shrunk.
package struct ScoringScratch: Sendable {
    /// What one request has gathered about one row, in one 16-byte record (the
    /// collaborative walk and the kernel reach rows in no particular order).
    struct Row: Sendable {
        /// The collaborative sum, the largest single contribution and its situation item (-1: none).
        var collaborative: Float = 0
        var bestContribution: Float = 0
        var because: Int32 = -1
        /// Excluded by the situation (page product, cart, purchases) or already visited.
        var marked = false
        /// How candidate selection took the row (``CandidateSelection``), for a trace;
        /// in the record's padding, so it costs no memory.
        var selectedBy = CandidateSelection.none
    }

    var rows: [Row] = []
    /// Rows whose collaborative fields are set, to reset only those.
    var touched: [Int32] = []
    /// Rows marked, to reset only those.
    var markedRows: [Int32] = []
    var candidateRows: [Int32] = []
    var ranked = TopK()
    var trending = TopK()
    var discovery = TopK()

    package init() {}

    mutating func prepare(rows count: Int) {
        if rows.count < count { rows.append(contentsOf: repeatElement(Row(), count: count - rows.count)) }
        candidateRows.removeAll(keepingCapacity: true)
    }

    /// Leaves the per-row buffers clean for the next query, touching only what was set.
    mutating func clear() {
        for row in touched {
            rows[Int(row)].collaborative = 0
            rows[Int(row)].bestContribution = 0
            rows[Int(row)].because = -1
        }
        touched.removeAll(keepingCapacity: true)
        for row in markedRows {
            rows[Int(row)].marked = false
            rows[Int(row)].selectedBy = .none
        }
        markedRows.removeAll(keepingCapacity: true)
    }
}
