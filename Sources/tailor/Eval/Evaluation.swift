import Foundation
import TailorMembership
import TailorModel
import TailorScoring

/// The full-ranking leave-one-out protocol (`../shared/datasets/README.md`) run through
/// Tailor's own scoring path, in-process: the catalog partitions a node holds
/// (`CatalogIndex`, fed with the contributions `ShopperProfile` makes of each event,
/// as a node's partitions are), the situation a shopper's partition builds, and the
/// gateway's query, merge and diversity step.
///
/// Every shopper's interactions become view events one minute apart in one session,
/// ending a minute before the evaluation's clock (the files carry order, not time).
/// For the test target each shopper's last item is held out; for the validation
/// target the last two are (and the second-last is the one looked for), so tuning
/// never sees a test item.
struct Evaluation {
    enum Target: String, CaseIterable, Sendable {
        case test
        case validation
    }

    let dataset: EvalDataset
    let ks: [Int]
    let partitionCount: Int
    let target: Target

    /// Fixed, hour-aligned: every run builds the same indexes.
    static let nowMillis: Int64 = 1_767_225_600_000

    struct Result: Codable, Sendable {
        var target: String
        var users: Int
        var skipped: Int
        var items: Int
        var trainingEvents: Int
        var hitRate: [Int: Double]
        var ndcg: [Int: Double]
        /// Share of items that are in at least one shopper's top max(k).
        var coverage: Double
        var buildSeconds: Double
        var scoreSeconds: Double
    }

    func run() -> Result {
        let started = ContinuousClock.now
        let held = target == .test ? 1 : 2
        let items = dataset.items
        let shardMap = ShardMap(partitionCount: partitionCount, replicationFactor: 1, members: ["eval"])
        let vocabulary = Vocabulary()
        var indexes = (0..<partitionCount).map { _ in CatalogIndex(vocabulary: vocabulary) }
        for item in items {
            let product = Product(id: item, title: "item \(item)", categoryPath: ["all"], price: 1, version: 1)
            _ = indexes[shardMap.partition(of: item)].upsert(product)
        }

        // Training: everything but the held-out items (shoppers with fewer than 3
        // interactions are not evaluated; all but their last item still trains).
        var profiles: [String: ShopperProfile] = [:]
        var trainingEvents = 0
        var evaluated: [(user: String, heldOut: String)] = []
        for (user, sequence) in dataset.sequences {
            let evaluate = sequence.count >= 3
            let training = Array(sequence.dropLast(evaluate ? held : 1))
            if evaluate { evaluated.append((user, sequence[sequence.count - held])) }
            var profile = ShopperProfile()
            for (step, item) in training.enumerated() {
                let event = StoredEvent(
                    id: "\(user)-\(step)", type: .view, user: user, session: "s", products: [ProductRef(id: item, category: "all", price: 1)],
                    atMillis: Self.nowMillis - Int64(training.count - step) * 60_000
                )
                guard let signals = profile.record(event) else { continue }
                trainingEvents += 1
                for partition in indexes.indices {
                    _ = indexes[partition].apply(signals) { shardMap.partition(of: $0) == partition }
                }
            }
            profiles[user] = profile
        }
        for partition in indexes.indices { indexes[partition].refreshHeads(nowMillis: Self.nowMillis) }
        let built = ContinuousClock.now

        let k = ks.max() ?? 10
        var hits = [Int: Int]()
        var gains = [Int: Double]()
        var recommended = Set<String>()
        var scratch = [ScoringScratch](repeating: ScoringScratch(), count: indexes.count)
        let request = RecommendationRequest(user: "", placement: .homeForYou, k: k, filters: RecommendationFilters(inStockOnly: false))
        let weights = ScoringWeights.resolve(placement: request.placement, strategy: request.resolvedStrategy, overrides: nil)
        for (user, heldOut) in evaluated {
            let profile = profiles[user] ?? ShopperProfile()
            var situation = SituationBuilder.merge(profile: profile.situation(nowMillis: Self.nowMillis), request: request, anchor: nil, cart: [])
            // Items the shopper already interacted with are not ranked (the protocol).
            situation.exclude += profile.events.flatMap { $0.products.map(\.id) }
            let query = ScoringQuery(
                situation: situation, weights: weights, k: min(max(3 * k, 20), 150), filters: request.resolvedFilters,
                placement: request.placement, nowMillis: Self.nowMillis, mix: false
            )
            let answer = Self.answer(vocabulary.prepare(query), indexes, k: k, scratch: &scratch)
            recommended.formUnion(answer)
            guard let rank = answer.firstIndex(of: heldOut) else { continue }
            for cut in ks where rank < cut {
                hits[cut, default: 0] += 1
                gains[cut, default: 0] += 1 / log2(Double(rank) + 2)
            }
        }
        let count = Double(max(1, evaluated.count))
        return Result(
            target: target.rawValue, users: evaluated.count, skipped: dataset.sequences.count - evaluated.count, items: items.count,
            trainingEvents: trainingEvents,
            hitRate: Dictionary(uniqueKeysWithValues: ks.map { ($0, Double(hits[$0] ?? 0) / count) }),
            ndcg: Dictionary(uniqueKeysWithValues: ks.map { ($0, (gains[$0] ?? 0) / count) }),
            coverage: Double(recommended.count) / Double(max(1, items.count)),
            buildSeconds: Self.seconds(built - started), scoreSeconds: Self.seconds(.now - built)
        )
    }

    /// What the cluster answers: each partition scored as a node scores it (asked only
    /// for what beats the k-th best so far), merged, then the gateway's diversity step.
    static func answer(_ query: PreparedQuery, _ indexes: [CatalogIndex], k: Int, scratch: inout [ScoringScratch]) -> [String] {
        let scored = ScoringBench.scoreAll(query, indexes, &scratch)
        let ranked = CandidateMerge.merge([scored.ranked], k: query.query.k).filter { $0.score.isFinite }
        return Diversity.select(ranked: ranked, trending: [], discovery: [], k: k, policy: .defaults).map(\.product)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
