import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TailorModel

/// A small client of the gateway's public JSON API, for the tools that write a whole
/// shop through it (`tailor eval --cluster`, `tailor demo-load`): batches at the API's
/// limits, a few requests in flight, a 503 retried (a member loading, a quorum briefly
/// short), anything else but 200 an error naming the answer.
struct PublicAPIClient: Sendable {
    let gateway: String
    /// Requests in flight at once.
    var concurrency = 8
    /// How long a write keeps retrying 503s.
    var retryFor: Duration = .seconds(30)

    init(gateway: String) {
        self.gateway = gateway.hasSuffix("/") ? String(gateway.dropLast()) : gateway
    }

    func writeProducts(_ products: [Product]) async throws {
        try await forEach(Self.chunks(products, of: Limits.maximumProductsPerBatch)) { batch in
            try await write("PUT", "/v1/products", ProductBatch(products: batch))
        }
    }

    func writeStock(_ stock: [StockLevel]) async throws {
        try await forEach(Self.chunks(stock, of: Limits.maximumStockPerBatch)) { batch in
            try await write("PUT", "/v1/inventory", StockBatch(stock: batch))
        }
    }

    func writeEvents(_ events: [ShopperEvent]) async throws {
        try await forEach(Self.chunks(events, of: Limits.maximumEventsPerBatch)) { batch in
            try await write("POST", "/v1/events", EventBatch(events: batch))
        }
    }

    /// The answer, or nil when the gateway did not answer 200.
    func recommend(_ request: RecommendationRequest) async throws -> RecommendationResponse? {
        let (status, data) = try await send("POST", "/v1/recommendations", request)
        guard status == 200 else { return nil }
        return try Self.decoder.decode(RecommendationResponse.self, from: data)
    }

    /// Waits until `GET /readyz` answers 200, polling every 500 ms, for at most `timeout`.
    func waitUntilReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            var request = URLRequest(url: URL(string: gateway + "/readyz")!)
            request.httpMethod = "GET"
            if let (_, response) = try? await Self.session.answer(for: request), (response as? HTTPURLResponse)?.statusCode == 200 { return }
            guard ContinuousClock.now < deadline else { throw EvalError("\(gateway)/readyz did not answer 200 within \(timeout)") }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    func write(_ method: String, _ path: String, _ body: some Encodable) async throws {
        let deadline = ContinuousClock.now + retryFor
        while true {
            let (status, data) = try await send(method, path, body)
            if status == 200 { return }
            guard status == 503, ContinuousClock.now < deadline else {
                throw EvalError("\(method) \(path) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func send(_ method: String, _ path: String, _ body: some Encodable) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: gateway + path)!)
        request.httpMethod = method
        request.httpBody = try Self.encoder.encode(body)
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        let (data, response) = try await Self.session.answer(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func forEach<Element: Sendable>(_ elements: [Element], _ body: @escaping @Sendable (Element) async throws -> Void) async throws {
        _ = try await map(elements) { try await body($0) }
    }

    /// `transform` over `elements`, ``concurrency`` at a time, results in order.
    func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ transform: @escaping @Sendable (Element) async throws -> Result
    ) async throws -> [Result] {
        let concurrency = self.concurrency
        return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: elements.count)
            var next = 0
            while next < min(concurrency, elements.count) {
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
        configuration.httpMaximumConnectionsPerHost = 16
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
