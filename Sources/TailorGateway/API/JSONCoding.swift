import Foundation
import Hummingbird
import TailorModel

/// JSON in and out of the public API: dates as ISO 8601 (with or without fractional
/// seconds), limits checked before decoding, decoding errors named by field.
enum JSONCoding {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date-time")
        }
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request) async throws -> Value {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Limits.maximumBodyBytes)
        } catch {
            throw APIError(status: .contentTooLarge, field: "body", problem: "is larger than \(Limits.maximumBodyBytes) bytes")
        }
        do {
            return try decoder.decode(Value.self, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.decoding(error)
        }
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The recommendation answer written by `JSONWriter` rather than `encoder`: the
    /// same bytes, without `Encoder`'s per-field allocations and dictionary sorting.
    static func response(writing value: RecommendationResponse, status: HTTPResponse.Status = .ok) throws -> Response {
        try response(writing: value, capacity: value.estimatedJSONBytes, status: status)
    }

    /// A hot answer written by hand (``JSONWritable``), `capacity` bytes reserved.
    static func response(writing value: some JSONWritable, capacity: Int, status: HTTPResponse.Status = .ok) throws -> Response {
        let body = try JSONWriter.encode(value, capacity: capacity)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}
