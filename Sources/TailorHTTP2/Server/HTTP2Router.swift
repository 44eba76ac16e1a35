public import HTTPTypes
import NIOCore

/// Handles one request; runs on the connection's event loop thread unless it awaits elsewhere.
public typealias HTTP2Handler = @Sendable (HTTP2ServerRequest, HTTP2RequestContext) async throws -> HTTP2ServerResponse

/// What a handler knows about its call besides the request.
public struct HTTP2RequestContext: Sendable {
    /// When the caller stops waiting, from its `tailor-timeout-ms` header. The
    /// handler's task is cancelled when it passes.
    public var deadline: ContinuousClock.Instant?
    /// The stream id on its connection, for logs.
    public var streamID: Int32
}

/// Routes by exact method and path. Internal RPC paths are fixed strings, so no patterns.
public struct HTTP2Router: Sendable {
    struct Key: Hashable {
        var method: String
        var path: String
    }

    private var routes: [Key: HTTP2Handler] = [:]

    /// Checks every request before it is routed (the cluster's signature): the
    /// error it returns is the answer, and no handler runs. Nil admits everything.
    public var authenticator: (@Sendable (HTTP2ServerRequest) -> HTTP2ServerError?)?

    public init() {}

    /// Registers `handler` for `method` and `path` (which must start with "/"); a later
    /// registration of the same pair replaces the earlier one.
    public mutating func on(_ method: HTTPRequest.Method, _ path: String, handler: @escaping HTTP2Handler) {
        precondition(path.first == "/", "route paths start with '/'")
        routes[Key(method: method.rawValue, path: path)] = handler
    }

    enum Match {
        case handler(HTTP2Handler)
        case methodNotAllowed
        case notFound
    }

    func match(method: String, path: Substring) -> Match {
        let path = String(path)
        if let handler = routes[Key(method: method, path: path)] { return .handler(handler) }
        return routes.keys.contains { $0.path == path } ? .methodNotAllowed : .notFound
    }

    /// What a request is routed to, the same for a call over a connection and one in
    /// this process: its handler and how long it may run, or the refusal that answers it.
    enum Route {
        case handler(HTTP2Handler, deadline: Duration?)
        case refused(HTTP2ServerError)
    }

    private static let deadlineHeader = HTTPField.Name(HTTP2Deadline.headerName)!

    /// Authenticates `request`, finds its handler and reads its deadline header.
    func route(_ request: HTTP2ServerRequest) -> Route {
        if let authenticator, let refusal = authenticator(request) { return .refused(refusal) }
        let method = request.method.rawValue
        let path = request.path[..<(request.path.firstIndex(of: "?") ?? request.path.endIndex)]
        let handler: HTTP2Handler
        switch match(method: method, path: path) {
        case .handler(let found): handler = found
        case .notFound: return .refused(HTTP2ServerError(.notFound, "no route for \(path)"))
        case .methodNotAllowed: return .refused(HTTP2ServerError(.methodNotAllowed, "\(method) not allowed on \(path)"))
        }
        guard let value = request.headers[Self.deadlineHeader] else { return .handler(handler, deadline: nil) }
        guard let milliseconds = HTTP2Deadline.parse(Substring(value)) else {
            return .refused(HTTP2ServerError(.badRequest, "\(HTTP2Deadline.headerName) must be whole milliseconds in 0...\(HTTP2Deadline.maximumMilliseconds)"))
        }
        return .handler(handler, deadline: .milliseconds(milliseconds))
    }

    /// Runs `handler`; an ``HTTP2ServerError`` it throws is its answer, any other error
    /// answers 500 without details.
    static func answer(_ handler: HTTP2Handler, _ request: HTTP2ServerRequest, _ context: HTTP2RequestContext) async -> HTTP2ServerResponse {
        do {
            return try await handler(request, context)
        } catch let error as HTTP2ServerError {
            return error.response
        } catch {
            return HTTP2ServerError(.internalServerError, "the handler failed").response
        }
    }
}

/// An error a handler throws to answer with a chosen status and message; any other
/// error answers 500 without details (they may hold data that must not leave the node).
public struct HTTP2ServerError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The response sent for it: a small JSON body naming the problem.
    var response: HTTP2ServerResponse {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        var body = ByteBuffer(string: "{\"error\":\"")
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\"", "\\": body.writeString("\\\(scalar)")
            case _ where scalar.value < 0x20: body.writeString("\\u00\(scalar.value < 0x10 ? "0" : "")\(String(scalar.value, radix: 16))")
            default: body.writeString(String(scalar))
            }
        }
        body.writeString("\"}")
        return HTTP2ServerResponse(status: status, headers: headers, body: body)
    }
}
