import Foundation
import NIOCore
import NIOHTTP1
import TailorClient
import TailorImport
import TailorModel

/// Writes of one import, a batch at a time, within the API's limits.
struct ImportBatch: Sendable {
    var ticket: Int
    var items: [ImportItem] = []
    /// The record (number, line) of each item.
    var records: [(number: Int, line: Int)] = []
}

/// What the gateway did with a batch.
struct ImportBatchOutcome: Sendable {
    var ticket: Int
    /// Stored for the first time (events), or newer than what was held (products, stock).
    var written = 0
    /// Already held: an event id stored before, or a product/stock version not newer.
    var duplicates = 0
    /// Events of shoppers without consent to personalisation: counted, not stored.
    var notStored = 0
    /// Items the gateway refused, with their record.
    var refused: [ImportRefusal] = []
}

/// A record refused, by the importer or by the gateway.
struct ImportRefusal: Sendable, Codable {
    var line: Int
    var field: String
    var problem: String
    var record: String?
    /// The record's number in the file (not written to the rejects file).
    var number: Int?

    enum CodingKeys: String, CodingKey { case line, field, problem, record }
}

/// Sends batches to a gateway: a refused batch (400 naming `events[i]`) is sent again
/// without the refused item, so one bad row never keeps the others out; a batch over
/// the body limit is halved; 429, 502, 503, 504 and lost connections are retried for
/// ``retryFor`` before the import stops (resumable from its checkpoint).
struct ImportSender: Sendable {
    /// Sends one request body to the route; the status and the answer's body.
    typealias Transport = @Sendable (_ method: HTTPMethod, _ path: String, _ body: Data) async throws -> (status: Int, body: Data)

    let kind: ImportKind
    let transport: Transport
    var retryFor: Duration = .seconds(60)

    init(client: PublicAPIClient, kind: ImportKind) {
        self.init(kind: kind) { method, path, body in
            let answer = try await client.send(APIRequest(method, path, body: ByteBuffer(bytes: body)))
            return (answer.status, Data(answer.body.readableBytesView))
        }
    }

    init(kind: ImportKind, transport: @escaping Transport) {
        self.kind = kind
        self.transport = transport
    }

    static func limit(of kind: ImportKind) -> Int {
        switch kind {
        case .catalog: Limits.maximumProductsPerBatch
        case .stock: Limits.maximumStockPerBatch
        case .orders, .events: Limits.maximumEventsPerBatch
        }
    }

    private var route: (method: HTTPMethod, path: String, collection: String) {
        switch kind {
        case .catalog: (.PUT, "/v1/products", "products")
        case .stock: (.PUT, "/v1/inventory", "stock")
        case .orders, .events: (.POST, "/v1/events", "events")
        }
    }

    func send(_ batch: ImportBatch) async throws -> ImportBatchOutcome {
        var outcome = ImportBatchOutcome(ticket: batch.ticket)
        try await send(batch.items[...], batch.records[...], into: &outcome)
        return outcome
    }

    private func send(_ items: ArraySlice<ImportItem>, _ records: ArraySlice<(number: Int, line: Int)>, into outcome: inout ImportBatchOutcome) async throws {
        guard !items.isEmpty else { return }
        let body = try encode(items)
        if body.count > Limits.maximumBodyBytes && items.count > 1 {
            let middle = items.startIndex + items.count / 2
            try await send(items[..<middle], records[..<middle], into: &outcome)
            try await send(items[middle...], records[middle...], into: &outcome)
            return
        }
        let (status, answer) = try await post(body)
        switch status {
        case 200:
            if kind == .orders || kind == .events {
                let result = try PublicAPIClient.decoder.decode(EventBatchResult.self, from: answer)
                outcome.written += result.accepted
                outcome.duplicates += result.duplicates
                outcome.notStored += result.notStored ?? 0
            } else {
                let result = try PublicAPIClient.decoder.decode(WriteResult.self, from: answer)
                outcome.written += result.applied
                outcome.duplicates += result.stale
            }
        case 400:
            let error = try? JSONDecoder().decode(GatewayRefusal.self, from: answer).error
            let field = error?.field ?? ""
            let problem = error?.problem ?? String(decoding: answer.prefix(300), as: UTF8.self)
            if let (index, rest) = Self.index(in: field, collection: route.collection), index < items.count {
                let position = items.startIndex + index
                let record = records[position]
                outcome.refused.append(ImportRefusal(line: record.line, field: rest, problem: problem, number: record.number))
                try await send(items[..<position], records[..<position], into: &outcome)
                try await send(items[(position + 1)...], records[(position + 1)...], into: &outcome)
            } else if items.count == 1 {
                let record = records[records.startIndex]
                outcome.refused.append(ImportRefusal(line: record.line, field: field, problem: problem, number: record.number))
            } else {
                let middle = items.startIndex + items.count / 2
                try await send(items[..<middle], records[..<middle], into: &outcome)
                try await send(items[middle...], records[middle...], into: &outcome)
            }
        default:
            throw ClientError("\(route.method) \(route.path) answered \(status): \(String(decoding: answer.prefix(300), as: UTF8.self))")
        }
    }

    /// Merges `link`'s anonymous shopper into the known one (`POST /v1/users/{id}/aliases`):
    /// the events moved, or the refusal (line `line`, the first that named the link).
    func merge(_ link: IdentityLink, line: Int) async throws -> (moved: Int, refusal: ImportRefusal?) {
        let path = "/v1/users/\(Self.pathSegment(link.userId))/aliases"
        let body = try PublicAPIClient.encoder.encode(["anonymousId": link.anonymousId])
        let (status, answer) = try await post(body, method: .POST, path: path)
        switch status {
        case 200:
            return ((try? PublicAPIClient.decoder.decode(MergeAnswer.self, from: answer))?.merged ?? 0, nil)
        case 400:
            let error = try? JSONDecoder().decode(GatewayRefusal.self, from: answer).error
            return (0, ImportRefusal(
                line: line, field: error?.field ?? "anonymousId",
                problem: error?.problem ?? String(decoding: answer.prefix(300), as: UTF8.self)
            ))
        default:
            throw ClientError("POST /v1/users/{id}/aliases answered \(status): \(String(decoding: answer.prefix(300), as: UTF8.self))")
        }
    }

    /// An id as one path segment: everything but unreserved characters percent-encoded.
    static func pathSegment(_ id: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id
    }

    private struct MergeAnswer: Decodable {
        var merged: Int
    }

    /// Sends one body, retrying what a busy or restarting cluster answers.
    private func post(_ body: Data) async throws -> (Int, Data) {
        try await post(body, method: route.method, path: route.path)
    }

    private func post(_ body: Data, method: HTTPMethod, path: String) async throws -> (Int, Data) {
        let deadline = ContinuousClock.now + retryFor
        var pause = Duration.milliseconds(100)
        while true {
            do {
                let (status, answer) = try await transport(method, path, body)
                guard [429, 502, 503, 504].contains(status), ContinuousClock.now < deadline else {
                    return (status, answer)
                }
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }

    private func encode(_ items: ArraySlice<ImportItem>) throws -> Data {
        switch kind {
        case .catalog:
            try PublicAPIClient.encoder.encode(ProductBatch(products: items.compactMap { if case .product(let p) = $0 { p } else { nil } }))
        case .stock:
            try PublicAPIClient.encoder.encode(StockBatch(stock: items.compactMap { if case .stock(let s) = $0 { s } else { nil } }))
        case .orders, .events:
            try PublicAPIClient.encoder.encode(EventBatch(events: items.compactMap { if case .event(let e) = $0 { e } else { nil } }))
        }
    }

    /// `events[3].at` → (3, "at").
    static func index(in field: String, collection: String) -> (Int, String)? {
        guard field.hasPrefix(collection + "["), let close = field.firstIndex(of: "]") else { return nil }
        let start = field.index(field.startIndex, offsetBy: collection.count + 1)
        guard start < close, let index = Int(field[start..<close]) else { return nil }
        var rest = String(field[field.index(after: close)...])
        if rest.hasPrefix(".") { rest.removeFirst() }
        return (index, rest)
    }

    private struct GatewayRefusal: Decodable {
        struct Body: Decodable {
            var field: String?
            var problem: String?
        }
        var error: Body
    }
}
