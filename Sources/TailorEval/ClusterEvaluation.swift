import Foundation
import TailorClient
import TailorModel

/// `tailor eval --cluster URL`: the leave-one-out protocol through a running cluster's
/// public API (``PublicAPIClient``), for a sample of shoppers. The dataset's catalog (and stock) and every
/// shopper's training items (as view events one minute apart, ending now or
/// ``historyEndsAgoSeconds`` before it) are written
/// through the gateway; the sampled shoppers' `home_for_you` answers (k = 50, stock
/// not required) are then ranked with the items they interacted with dropped, as the
/// protocol asks (the cluster itself only leaves out what was bought).
///
/// Point it at a cluster holding nothing else (`tailor local --no-demo`): the dataset's
/// ids are written as they are.
package struct ClusterEvaluation {
    package let dataset: EvalDataset
    package let ks: [Int]
    package let target: Evaluation.Target
    package let gateway: String
    /// Sent as `Authorization: Bearer` (a private or admin key); nil for an open gateway.
    package var apiKey: String?
    package let sample: Int
    /// How long before now the training events end (0: now), to measure a shopper who
    /// comes back after a while.
    package var historyEndsAgoSeconds = 0.0

    package init(dataset: EvalDataset, ks: [Int], target: Evaluation.Target, gateway: String, sample: Int) {
        self.dataset = dataset
        self.ks = ks
        self.target = target
        self.gateway = gateway
        self.sample = sample
    }

    /// Heads (the partitions' most popular products, which candidate selection uses)
    /// are rebuilt every 10 s; counters reach every member within a gossip round; a
    /// write is acknowledged once W replicas stored it, and its co-occurrence reaches
    /// the other replicas within the 2 s write timeout.
    package static let settleSeconds = 12.0

    package struct Outcome: Sendable {
        package var shoppers: [String]
        package var ranks: [String: Int]
        package var hitRate: [Int: Double]
        package var ndcg: [Int: Double]
        package var eventsWritten: Int
        package var degradedAnswers: Int
        package var failedAnswers: Int
        package var loadSeconds: Double
        package var askSeconds: Double
        /// Median and 99th percentile of the gateway's `tookMs`.
        package var tookMsMedian: Double
        package var tookMsP99: Double
    }

    /// The sampled shoppers: every n-th evaluated shopper, in file order.
    package func sampledShoppers() -> [(shopper: String, heldOut: String, seen: Set<String>)] {
        let evaluated = dataset.sequences.compactMap { shopper, items -> (shopper: String, heldOut: String, seen: Set<String>)? in
            let (training, heldOut) = target.split(items)
            return heldOut.map { (shopper, $0, Set(training)) }
        }
        let step = max(1, evaluated.count / max(1, sample))
        return Array(stride(from: 0, to: evaluated.count, by: step).prefix(sample).map { evaluated[$0] })
    }

    package func run() async throws -> Outcome {
        let started = ContinuousClock.now
        guard let client = PublicAPIClient(gateway: gateway)?.authorized(apiKey) else { throw EvalError("--cluster: '\(gateway)' is not http://host:port") }
        try await client.writeProducts(dataset.catalog)
        try await client.writeStock(dataset.stock.sorted { $0.key < $1.key }.map { StockLevel(product: $0.key, quantity: $0.value, version: 1) })

        let now = Date().addingTimeInterval(-historyEndsAgoSeconds)
        var events: [ShopperEvent] = []
        for (shopper, sequence) in dataset.sequences {
            let training = target.split(sequence).training
            for (step, item) in training.enumerated() {
                events.append(ShopperEvent(
                    id: "\(shopper)-\(step)", type: .view, shopper: shopper, session: "s", product: item,
                    at: now.addingTimeInterval(-60 * Double(training.count - step))
                ))
            }
        }
        try await client.writeEvents(events)
        try await Task.sleep(for: .seconds(Self.settleSeconds))
        let loaded = ContinuousClock.now

        let shoppers = sampledShoppers()
        let answers = try await client.map(shoppers) { entry in
            try await ask(entry.shopper, client: client)
        }
        var ranks: [String: Int] = [:]
        var degraded = 0
        var failed = 0
        var took: [Double] = []
        for (entry, answer) in zip(shoppers, answers) {
            guard let answer else {
                failed += 1
                ranks[entry.shopper] = -1
                continue
            }
            if answer.coverage.degraded { degraded += 1 }
            took.append(answer.tookMs)
            let ranked = answer.items.map(\.product).filter { !entry.seen.contains($0) }
            ranks[entry.shopper] = ranked.firstIndex(of: entry.heldOut) ?? -1
        }
        let (hitRate, ndcg) = Evaluation.metrics(Array(ranks.values), ks: ks)
        took.sort()
        return Outcome(
            shoppers: shoppers.map(\.shopper), ranks: ranks, hitRate: hitRate, ndcg: ndcg, eventsWritten: events.count,
            degradedAnswers: degraded, failedAnswers: failed,
            loadSeconds: Evaluation.seconds(loaded - started), askSeconds: Evaluation.seconds(.now - loaded),
            tookMsMedian: took.isEmpty ? 0 : took[took.count / 2],
            tookMsP99: took.isEmpty ? 0 : took[min(took.count - 1, Int(Double(took.count) * 0.99))]
        )
    }

    private func ask(_ shopper: String, client: PublicAPIClient) async throws -> RecommendationResponse? {
        try await client.recommend(RecommendationRequest(
            shopper: shopper, placement: .homeForYou, k: Limits.maximumK, filters: RecommendationFilters(inStockOnly: false)
        ))
    }
}
