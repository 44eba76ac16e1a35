import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The gateway's access control: the mode, the keys, and each key's rate.
package final class Access: Sendable {
    package let mode: AccessMode
    /// Nil in open mode.
    package let keys: KeyRing?
    let limiter = RateLimiter()
    let logger: Logger

    package init(mode: AccessMode, member: String, logger: Logger) {
        self.mode = mode
        self.logger = logger
        if case .keys(let admin, let limits) = mode {
            keys = KeyRing(bootstrapAdminKey: admin, rateLimits: limits, writer: member)
        } else {
            keys = nil
        }
    }

    /// The middleware for routes that need `role`.
    func requiring(_ role: APIRole) -> AccessControl { AccessControl(role: role, access: self) }

    /// The origin a response may name in `Access-Control-Allow-Origin`, or nil. Open:
    /// any (a development gateway). Keys: an origin a live public key lists, and only
    /// for public callers (and refusals before the key is known).
    func allowedOrigin(_ origin: String?, caller: Caller?) -> String? {
        guard let origin else { return nil }
        guard let keys else { return origin }
        if let caller {
            guard caller.role == .public, caller.allows(origin: origin) else { return nil }
            return origin
        }
        return keys.allowsOrigin(origin) ? origin : nil
    }
}

/// Lets a request through when its `Authorization: Bearer <key>` stands for a key with
/// `role` or a higher one, from an origin the key allows, within the key's rate;
/// otherwise answers 401, 403 or 429 and the route's handler does not run.
///
/// Admin routes leave an audit line (`audit`, with the key's id, the route's pattern
/// and the status), refused calls included; never a path's ids or a body.
struct AccessControl: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let role: APIRole
    let access: Access

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let origin = request.headers[.origin]
        var response: Response
        do {
            let caller = try identify(request)
            context.caller = caller
            try authorize(caller, request, origin: origin)
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        }
        if role == .admin { audit(request, context: context, status: response.status) }
        if let allowed = access.allowedOrigin(origin, caller: context.caller) {
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.vary] = "Origin"
        }
        return response
    }

    /// The caller the request's key stands for (401 when there is none).
    private func identify(_ request: Request) throws(APIError) -> Caller {
        guard let keys = access.keys else {
            return Caller(keyID: "none (open mode)", role: .admin, origins: ["*"], ratePerSecond: 0)
        }
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("is required: `Authorization: Bearer <key>` with \(role == .admin ? "an" : "a") \(role.rawValue) key\(role == .admin ? "" : " or one of a higher role")")
        }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIError.unauthorized("must be `Bearer <key>`")
        }
        guard let caller = keys.caller(key: String(parts[1])) else {
            throw APIError.unauthorized("names a key that is unknown or revoked")
        }
        return caller
    }

    /// Refuses (403, 429) a caller whose role, origin or rate does not allow the request.
    private func authorize(_ caller: Caller, _ request: Request, origin: String?) throws(APIError) {
        guard access.keys != nil else { return }
        guard caller.role >= role else {
            throw APIError(
                status: .forbidden, field: "role",
                problem: "\(request.method) \(request.uri.path) needs \(role == .admin ? "an" : "a") \(role.rawValue) key\(role == .admin ? "" : " or higher"); this key is \(caller.role.rawValue)"
            )
        }
        if let origin, caller.role == .public, !caller.allows(origin: origin) {
            throw APIError(status: .forbidden, field: "Origin", problem: "'\(origin)' is not one of this key's origins")
        }
        if let wait = access.limiter.take(key: caller.keyID, rate: caller.ratePerSecond) {
            let seconds = max(1, Int((Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18).rounded(.up)))
            var error = APIError(
                status: .tooManyRequests, field: nil,
                problem: "this key makes more than \(Int(caller.ratePerSecond)) requests a second at this gateway; retry after \(seconds) s"
            )
            error.headers[.retryAfter] = String(seconds)
            throw error
        }
    }

    private func audit(_ request: Request, context: Context, status: HTTPResponse.Status) {
        access.logger.notice(
            "audit",
            metadata: [
                "action": "\(request.method) \(context.endpointPath ?? "unmatched")",
                "key": "\(context.caller?.keyID ?? "none")",
                "status": "\(status.code)",
                "outcome": "\(status.kind == .successful ? "done" : "refused or failed")",
            ]
        )
    }
}

extension APIError {
    /// 401 with `WWW-Authenticate: Bearer`, naming the `Authorization` header.
    static func unauthorized(_ problem: String) -> APIError {
        var error = APIError(status: .unauthorized, field: "Authorization", problem: problem)
        error.headers[.wwwAuthenticate] = "Bearer realm=\"tailor\""
        return error
    }
}

extension HTTPField.Name {
    static let accessControlAllowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let accessControlAllowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let accessControlAllowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let accessControlRequestMethod = HTTPField.Name("Access-Control-Request-Method")!
    static let accessControlMaxAge = HTTPField.Name("Access-Control-Max-Age")!
}
