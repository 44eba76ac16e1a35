import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TailorModel

/// `tailor eval --cluster URL`: the leave-one-out protocol through a running cluster's
/// public API, for a sample of shoppers. The dataset's catalog (and stock) and every
/// shopper's training items (as view events one minute apart, ending now) are written
/// through the gateway; the sampled shoppers' `home_for_you` answers (k = 50, stock
/// not required) are then ranked with the items they interacted with dropped, as the
/// protocol asks (the cluster itself only leaves out what was bought).
///
/// Point it at a cluster holding nothing else (`tailor local --no-demo`): the dataset's
/// ids are written as they are.
struct ClusterEvaluation {
    let dataset: EvalDataset
    let ks: [Int]
    let target: Evaluation.Target
    let gateway: String
    let sample: Int
    /// How long to let the cluster settle after the writes, before asking.
    var settle: Duration = .seconds(settleSeconds)

    /// Requests in flight at once, for writes and for questions.
    static let concurrency = 8
    /// Heads (the partitions' most popular products, which candidate selection uses)
    /// are rebuilt every 10 s; counters reach every member within a gossip round.
    static let settleSeconds = 12.0

    struct Outcome: Sendable {
        var users: [String]
        var ranks: [String: Int]
        var hitRate: [Int: Double]
        var ndcg: [Int: Double]
        var eventsWritten: Int
        var degradedAnswers: Int
        var failedAnswers: Int
        var loadSeconds: Double
        var askSeconds: Double
        /// Median and 99th percentile of the gateway's `tookMs`.
        var tookMsMedian: Double
        var tookMsP99: Double
    }

    /// The sampled shoppers: every n-th evaluated shopper, in file order.
    func sampledUsers() -> [(user: String, heldOut: String, seen: Set<String>)] {
        let held = target == .test ? 1 : 2
        let evaluated = dataset.sequences.filter { $0.items.count >= 3 }
        let step = max(1, evaluated.count / max(1, sample))
        return stride(from: 0, to: evaluated.count, by: step).prefix(sample).map { index in
            let sequence = evaluated[index].items
            return (evaluated[index].user, sequence[sequence.count - held], Set(sequence.dropLast(held)))
        }
    }

    func run() async throws -> Outcome {
        let started = ContinuousClock.now
        let catalog = dataset.catalog
        for batch in Self.chunks(catalog, of: Limits.maximumProductsPerBatch) {
            try await write("PUT", "/v1/products", ProductBatch(products: batch))
        }
        let stock = dataset.stock.sorted { $0.key < $1.key }.map { StockLevel(product: $0.key, quantity: $0.value, version: 1) }
        for batch in Self.chunks(stock, of: Limits.maximumStockPerBatch) {
            try await write("PUT", "/v1/inventory", StockBatch(stock: batch))
        }

        let held = target == .test ? 1 : 2
        let now = Date()
        var events: [ShopperEvent] = []
        for (user, sequence) in dataset.sequences {
            let training = Array(sequence.dropLast(sequence.count >= 3 ? held : 1))
            for (step, item) in training.enumerated() {
                events.append(ShopperEvent(
                    id: "\(user)-\(step)", type: .view, user: user, session: "s", product: item,
                    at: now.addingTimeInterval(-60 * Double(training.count - step))
                ))
            }
        }
        let batches = Self.chunks(events, of: Limits.maximumEventsPerBatch)
        try await forEach(batches) { batch in try await write("POST", "/v1/events", EventBatch(events: batch)) }
        try await Task.sleep(for: settle)
        let loaded = ContinuousClock.now

        let users = sampledUsers()
        let answers = try await map(users) { entry in
            try await ask(entry.user)
        }
        var ranks: [String: Int] = [:]
        var degraded = 0
        var failed = 0
        var took: [Double] = []
        for (entry, answer) in zip(users, answers) {
            guard let answer else {
                failed += 1
                ranks[entry.user] = -1
                continue
            }
            if answer.coverage.degraded { degraded += 1 }
            took.append(answer.tookMs)
            let ranked = answer.items.map(\.product).filter { !entry.seen.contains($0) }
            ranks[entry.user] = ranked.firstIndex(of: entry.heldOut) ?? -1
        }
        let (hitRate, ndcg) = Evaluation.metrics(Array(ranks.values), ks: ks)
        took.sort()
        return Outcome(
            users: users.map(\.user), ranks: ranks, hitRate: hitRate, ndcg: ndcg, eventsWritten: events.count,
            degradedAnswers: degraded, failedAnswers: failed,
            loadSeconds: Evaluation.seconds(loaded - started), askSeconds: Evaluation.seconds(.now - loaded),
            tookMsMedian: took.isEmpty ? 0 : took[took.count / 2],
            tookMsP99: took.isEmpty ? 0 : took[min(took.count - 1, Int(Double(took.count) * 0.99))]
        )
    }

    private func ask(_ user: String) async throws -> RecommendationResponse? {
        let request = RecommendationRequest(
            user: user, placement: .homeForYou, k: Limits.maximumK, filters: RecommendationFilters(inStockOnly: false)
        )
        let (status, data) = try await send("POST", "/v1/recommendations", request)
        guard status == 200 else { return nil }
        return try Self.decoder.decode(RecommendationResponse.self, from: data)
    }

    /// Sends `body`; a 503 (a member still loading, a quorum briefly short) is retried
    /// for up to 30 s, anything else but 200 is an error naming the answer.
    private func write(_ method: String, _ path: String, _ body: some Encodable) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let (status, data) = try await send(method, path, body)
            if status == 200 { return }
            guard status == 503, ContinuousClock.now < deadline else {
                throw EvalError("--cluster: \(method) \(path) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func send(_ method: String, _ path: String, _ body: some Encodable) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: gateway + path)!)
        request.httpMethod = method
        request.httpBody = try Self.encoder.encode(body)
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        let (data, response) = try await Self.session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    private func forEach<Element: Sendable>(_ elements: [Element], _ body: @escaping @Sendable (Element) async throws -> Void) async throws {
        _ = try await map(elements) { try await body($0) }
    }

    /// `transform` over `elements`, ``concurrency`` at a time, results in order.
    private func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ transform: @escaping @Sendable (Element) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: elements.count)
            var next = 0
            while next < min(Self.concurrency, elements.count) {
                let index = next
                group.addTask { (index, try await transform(elements[index])) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < elements.count {
                    let index = next
                    group.addTask { (index, try await transform(elements[index])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }

    static func chunks<Element>(_ elements: [Element], of size: Int) -> [[Element]] {
        stride(from: 0, to: elements.count, by: size).map { Array(elements[$0..<min($0 + size, elements.count)]) }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.httpMaximumConnectionsPerHost = concurrency
        return URLSession(configuration: configuration)
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
