/// What a simulated storefront did and what its shoppers did, from its own ground
/// truth: each visit fills one, the run adds them up. Counts only, so adding in any
/// order gives the same report.
struct SimulationTally: Codable, Sendable {
    /// What the answers of one placement or one variant led to.
    struct Outcomes: Codable, Sendable {
        var requests = 0
        /// Requests without a 200 answer (or without an answer at all).
        var failedRequests = 0
        /// Answers shown, each one an impression (a holdout's empty answer too).
        var impressions = 0
        var itemsShown = 0
        var clicks = 0
        var addsToCart = 0
        /// Purchase lines (one product, one or two units).
        var purchases = 0
        var units = 0
        /// Impressions with at least one purchase of a product they showed: the
        /// outcome loop's "conversion".
        var convertedImpressions = 0
        var revenue = 0.0
        var margin = 0.0

        mutating func add(_ other: Outcomes) {
            requests += other.requests
            failedRequests += other.failedRequests
            impressions += other.impressions
            itemsShown += other.itemsShown
            clicks += other.clicks
            addsToCart += other.addsToCart
            purchases += other.purchases
            units += other.units
            convertedImpressions += other.convertedImpressions
            revenue += other.revenue
            margin += other.margin
        }

        var conversionsPerImpression: Double { impressions == 0 ? 0 : Double(convertedImpressions) / Double(impressions) }
        var revenuePerThousandImpressions: Double { impressions == 0 ? 0 : 1_000 * revenue / Double(impressions) }
        var marginPerThousandImpressions: Double { impressions == 0 ? 0 : 1_000 * margin / Double(impressions) }
        var clickThrough: Double { impressions == 0 ? 0 : Double(clicks) / Double(impressions) }
    }

    /// How the gateway took the events of one type.
    struct Delivery: Codable, Sendable {
        var sent = 0
        var acknowledged = 0
        var refused = 0

        mutating func add(_ other: Delivery) {
            sent += other.sent
            acknowledged += other.acknowledged
            refused += other.refused
        }
    }

    /// The key of answers outside any experiment.
    static let noExperiment = "(no experiment)"
    /// Timeline buckets: each 10 % of the run's visits.
    static let buckets = 10
    /// Refusals and failures kept word for word; the rest are only counted.
    static let keptSamples = 5

    var visits = 0
    /// Visits that started more than a second behind the schedule (every slot busy).
    var lateVisits = 0
    var answersWithRecommendationID = 0
    var answersWithoutRecommendationID = 0
    /// Failed recommendation requests by status (0: no answer).
    var failuresByStatus: [String: Int] = [:]
    var byPlacement: [String: Outcomes] = [:]
    /// By `experiment/variant`, or ``noExperiment``.
    var byVariant: [String: Outcomes] = [:]
    /// Answers per variant in each tenth of the run.
    var timeline: [String: [Int]] = [:]
    /// Event deliveries by event type.
    var events: [String: Delivery] = [:]
    /// The first refusals: `status body`, or why nothing answered.
    var refusals: [String] = []
    var failures: [String] = []

    mutating func add(_ other: SimulationTally) {
        visits += other.visits
        lateVisits += other.lateVisits
        answersWithRecommendationID += other.answersWithRecommendationID
        answersWithoutRecommendationID += other.answersWithoutRecommendationID
        failuresByStatus.merge(other.failuresByStatus, uniquingKeysWith: +)
        for (key, outcomes) in other.byPlacement { byPlacement[key, default: Outcomes()].add(outcomes) }
        for (key, outcomes) in other.byVariant { byVariant[key, default: Outcomes()].add(outcomes) }
        for (key, counts) in other.timeline {
            timeline[key] = zip(timeline[key] ?? Array(repeating: 0, count: Self.buckets), counts).map(+)
        }
        for (type, delivery) in other.events { events[type, default: Delivery()].add(delivery) }
        refusals = Array((refusals + other.refusals).prefix(Self.keptSamples))
        failures = Array((failures + other.failures).prefix(Self.keptSamples))
    }

    /// Everything the run's answers led to, over all placements.
    var total: Outcomes {
        byPlacement.values.reduce(into: Outcomes()) { $0.add($1) }
    }

    /// The answers of the variants in one tenth of the run, as shares (nil for an empty tenth).
    func shares(inBucket bucket: Int) -> [String: Double]? {
        let counts = timeline.mapValues { $0[bucket] }
        let sum = counts.values.reduce(0, +)
        guard sum > 0 else { return nil }
        return counts.mapValues { Double($0) / Double(sum) }
    }
}
