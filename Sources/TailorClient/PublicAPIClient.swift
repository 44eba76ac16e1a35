import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TailorModel

/// The one client of a gateway's public JSON API, for the tools (`tailor demo-load`,
/// `tailor eval --cluster`, `tailor probe`, `tailor-lab`) and the tests: typed calls for
/// what they write and ask (batches at the API's limits, a few requests in flight, a 503
/// retried while a member loads or a quorum is briefly short), and raw calls that return
/// the status and body of any request. HTTP/1.1 on SwiftNIO, one connection per request.
package struct PublicAPIClient: Sendable {
    package let gateway: GatewayAddress
    /// Requests in flight at once, for the batch writes and ``map(_:_:)``.
    package var concurrency = 8
    /// How long a write keeps retrying 503s.
    package var retryFor: Duration = .seconds(30)
    /// How long one request may take.
    package var timeout: Duration = .seconds(30)
    /// Headers sent with every request (`Authorization`, say).
    package var headers: [(String, String)] = []
    private let group: any EventLoopGroup

    package init(gateway: GatewayAddress, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.gateway = gateway
        self.group = group
    }

    /// A client of `http://host:port`; nil for anything else.
    package init?(gateway text: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        guard let address = GatewayAddress(text.hasSuffix("/") ? String(text.dropLast()) : text) else { return nil }
        self.init(gateway: address, group: group)
    }

    /// This client with `Authorization: Bearer <key>` on every request (nil: none).
    package func authorized(_ key: String?) -> PublicAPIClient {
        var client = self
        client.headers.removeAll { $0.0.lowercased() == "authorization" }
        if let key { client.headers.append(("Authorization", "Bearer \(key)")) }
        return client
    }

    // MARK: Raw requests

    /// Sends one request and returns the whole answer, whatever its status.
    package func send(_ request: APIRequest) async throws -> APIAnswer {
        var request = request
        request.headers = headers + request.headers
        let timeout = self.timeout
        return try await gateway.withConnection(on: group, connectTimeout: min(timeout, .seconds(5))) { connection in
            try await connection.send(request, timeout: timeout)
        }
    }

    /// `method path` with `body` as JSON text; the status and the body's bytes.
    package func send(_ method: HTTPMethod, _ pathAndQuery: String, json body: String? = nil) async throws -> (status: Int, body: Data) {
        let answer = try await send(APIRequest(method, pathAndQuery, body: body.map { ByteBuffer(string: $0) }))
        return (answer.status, Data(answer.body.readableBytesView))
    }

    /// `method path` with `body` encoded as JSON; the status and the body's bytes.
    package func send(_ method: HTTPMethod, _ pathAndQuery: String, _ body: some Encodable) async throws -> (status: Int, body: Data) {
        let data = try Self.encoder.encode(body)
        let answer = try await send(APIRequest(method, pathAndQuery, body: ByteBuffer(bytes: data)))
        return (answer.status, Data(answer.body.readableBytesView))
    }

    /// `GET path`: the status and the body's bytes.
    package func get(_ pathAndQuery: String) async throws -> (status: Int, body: Data) {
        try await send(.GET, pathAndQuery)
    }

    /// The status of `GET path`, nil when nothing answered.
    package func status(of pathAndQuery: String) async -> Int? {
        try? await send(APIRequest(.GET, pathAndQuery)).status
    }

    /// Whether `GET /readyz` answers 200 now.
    package func isReady() async -> Bool {
        await status(of: "/readyz") == 200
    }

    /// Waits until `GET /readyz` answers 200, polling every `interval`, for at most `timeout`.
    package func waitUntilReady(timeout: Duration, interval: Duration = .milliseconds(500)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if await isReady() { return }
            guard ContinuousClock.now < deadline else { throw ClientError("\(gateway)/readyz did not answer 200 within \(timeout)") }
            try await Task.sleep(for: interval)
        }
    }

    // MARK: Typed calls

    package func writeProducts(_ products: [Product]) async throws {
        try await forEach(Self.chunks(products, of: Limits.maximumProductsPerBatch)) { batch in
            try await write(.PUT, "/v1/products", ProductBatch(products: batch))
        }
    }

    package func writeStock(_ stock: [StockLevel]) async throws {
        try await forEach(Self.chunks(stock, of: Limits.maximumStockPerBatch)) { batch in
            try await write(.PUT, "/v1/inventory", StockBatch(stock: batch))
        }
    }

    package func writeEvents(_ events: [ShopperEvent]) async throws {
        try await forEach(Self.chunks(events, of: Limits.maximumEventsPerBatch)) { batch in
            try await write(.POST, "/v1/events", EventBatch(events: batch))
        }
    }

    /// The answer, or nil when the gateway did not answer 200.
    package func recommend(_ request: RecommendationRequest) async throws -> RecommendationResponse? {
        let (status, data) = try await send(.POST, "/v1/recommendations", request)
        guard status == 200 else { return nil }
        return try Self.decoder.decode(RecommendationResponse.self, from: data)
    }

    /// Sends `body`, retrying a 503 for ``retryFor``; anything else but 200 throws.
    package func write(_ method: HTTPMethod, _ path: String, _ body: some Encodable) async throws {
        let deadline = ContinuousClock.now + retryFor
        while true {
            let (status, data) = try await send(method, path, body)
            if status == 200 { return }
            guard status == 503, ContinuousClock.now < deadline else {
                throw ClientError("\(method) \(path) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    // MARK: Concurrency

    package func forEach<Element: Sendable>(_ elements: [Element], _ body: @escaping @Sendable (Element) async throws -> Void) async throws {
        _ = try await map(elements) { try await body($0) }
    }

    /// `transform` over `elements`, ``concurrency`` at a time, results in order.
    package func map<Element: Sendable, Result: Sendable>(
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

    package static func chunks<Element>(_ elements: [Element], of size: Int) -> [[Element]] {
        stride(from: 0, to: elements.count, by: size).map { Array(elements[$0..<min($0 + size, elements.count)]) }
    }

    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// A call that did not go as the tool needed, with the answer it got.
package struct ClientError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
