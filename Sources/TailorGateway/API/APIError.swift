import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TailorModel

/// An error of the public API: an HTTP status and a JSON body naming the field (when
/// one is at fault) and the problem:
/// `{"error": {"status": 400, "field": "events[2].user", "problem": "must not be empty"}}`.
package struct APIError: Error, HTTPResponseError, Sendable {
    package var status: HTTPResponse.Status
    package var field: String?
    package var problem: String
    /// For 405: the methods the path accepts (sent as `Allow`).
    package var allow: [String] = []
    /// More headers to answer with (`WWW-Authenticate`, `Retry-After`).
    package var headers = HTTPFields()

    package init(status: HTTPResponse.Status, field: String?, problem: String, allow: [String] = []) {
        self.status = status
        self.field = field
        self.problem = problem
        self.allow = allow
    }

    init(_ error: ValidationError, status: HTTPResponse.Status = .badRequest) {
        self.init(status: status, field: error.field, problem: error.problem)
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var status: Int
            var field: String?
            var problem: String
        }
        var error: Detail
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        if !allow.isEmpty { headers[.allow] = allow.joined(separator: ", ") }
        let body = Body(error: .init(status: status.code, field: field, problem: problem))
        let data = (try? JSONCoding.encoder.encode(body)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The field and problem of a JSON body that did not decode into the expected type.
    static func decoding(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "body" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return APIError(status: .badRequest, field: path(context.codingPath + [key]), problem: "is required")
        case .typeMismatch(let type, let context):
            return APIError(status: .badRequest, field: path(context.codingPath), problem: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return APIError(status: .badRequest, field: path(context.codingPath), problem: "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field == "body" {
                // Foundation reports numbers that do not fit their field (5.5 for an
                // integer, 1e50 for a Float) without a path; say what it says.
                let detail = context.debugDescription
                if detail.localizedCaseInsensitiveContains("number") {
                    return APIError(status: .badRequest, field: "body", problem: "holds a number that does not fit its field: \(detail)")
                }
                return APIError(status: .badRequest, field: "body", problem: "is not valid JSON")
            }
            return APIError(status: .badRequest, field: field, problem: allowedValues(context.codingPath.last) ?? "has an invalid value")
        @unknown default:
            return APIError(status: .badRequest, field: "body", problem: "could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }

    /// For the enum-valued fields, the accepted spellings.
    private static func allowedValues(_ key: (any CodingKey)?) -> String? {
        let values: [String]
        switch key?.stringValue {
        case "type": values = EventType.allCases.map(\.rawValue)
        case "placement": values = Placement.allCases.map(\.rawValue)
        case "strategy": values = Strategy.allCases.map(\.rawValue)
        case "role": values = APIRole.allCases.map(\.rawValue)
        case "at": return "must be an ISO 8601 date-time, e.g. 2026-11-23T18:00:00Z"
        default: return nil
        }
        return "must be one of " + values.joined(separator: ", ")
    }
}

/// Turns Hummingbird's own errors (unknown route, wrong method, body too large) and
/// unexpected failures into the API's JSON error shape.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The API's paths and their methods, to tell "wrong method" (405) from "no such path" (404).
    static func methods(for path: String) -> [String] {
        switch path {
        case "/v1/events", "/v1/recommendations", "/v1/decisions", "/v1/integrations/segment", "/v1/integrations/rudderstack", "/v1/integrations/ga4":
            ["POST"]
        case "/v1/products": ["GET", "PUT"]
        case "/v1/inventory": ["PUT"]
        case "/v1/cluster", "/v1/cluster/traffic", "/v1/categories", "/healthz", "/readyz", "/metrics": ["GET"]
        case "/v1/keys": ["GET", "POST"]
        case "/v1/experiments", "/v1/reports/recommendations", "/v1/segments", "/v1/decision-points",
            "/v1/strategies":
            ["GET"]
        case _ where isOneSegment(path, after: "/v1/experiments/"), _ where isOneSegment(path, after: "/v1/segments/"),
            _ where isOneSegment(path, after: "/v1/decision-points/"), _ where isOneSegment(path, after: "/v1/strategies/"):
            ["GET", "PUT", "DELETE"]
        case _ where path.hasSuffix("/counterfactual") && isOneSegment(String(path.dropLast(15)), after: "/v1/experiments/"): ["GET"]
        case _ where path.hasPrefix("/v1/products/") && path.count > 13 && !path.dropFirst(13).contains("/"): ["GET", "DELETE"]
        case _ where isOneSegment(path, after: "/v1/keys/"), _ where isOneSegment(path, after: "/v1/users/"): ["DELETE"]
        case _ where path.hasSuffix("/export") && isOneSegment(String(path.dropLast(7)), after: "/v1/users/"): ["GET"]
        case _ where path.hasSuffix("/trace") && isOneSegment(String(path.dropLast(6)), after: "/v1/recommendations/"): ["GET"]
        case _ where path.hasSuffix("/aliases") && isOneSegment(String(path.dropLast(8)), after: "/v1/users/"): ["POST"]
        case _ where path.hasSuffix("/segments") && isOneSegment(String(path.dropLast(9)), after: "/v1/shoppers/"): ["GET"]
        case _ where path.hasSuffix("/situation") && isOneSegment(String(path.dropLast(10)), after: "/v1/shoppers/"): ["GET"]
        default: []
        }
    }

    /// Whether `path` is `prefix` and one non-empty segment (`/v1/keys/key_1`).
    private static func isOneSegment(_ path: String, after prefix: String) -> Bool {
        guard path.hasPrefix(prefix) else { return false }
        let rest = path.dropFirst(prefix.count)
        return !rest.isEmpty && !rest.contains("/")
    }

    func handle(_ input: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(input, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            let problem: String
            let allowed = Self.methods(for: input.uri.path)
            if error.status == .notFound, !allowed.isEmpty {
                throw APIError(
                    status: .methodNotAllowed, field: nil,
                    problem: "\(input.method) is not allowed on \(input.uri.path); use \(allowed.joined(separator: " or "))", allow: allowed
                )
            }
            switch error.status {
            case .notFound: problem = "no such endpoint: \(input.method) \(input.uri.path)"
            case .methodNotAllowed: problem = "\(input.method) is not allowed on \(input.uri.path)"
            case .contentTooLarge: problem = "is larger than \(Limits.maximumBodyBytes) bytes"
            default: problem = error.body ?? error.status.reasonPhrase
            }
            throw APIError(status: error.status, field: error.status == .contentTooLarge ? "body" : nil, problem: problem)
        } catch {
            // Details of unexpected errors may hold data that must not leave the gateway.
            context.logger.error("request failed", metadata: ["path": "\(input.uri.path)", "error": "\(String(reflecting: type(of: error)))"])
            throw APIError(status: .internalServerError, field: nil, problem: "the gateway failed to answer; the failure is logged")
        }
    }
}
