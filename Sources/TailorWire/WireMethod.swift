/// The HTTP methods internal calls use.
public enum WireHTTPMethod: String, Sendable, Hashable {
    /// A read that sends no body.
    case get = "GET"
    /// A call that sends its request as the body.
    case post = "POST"
}

/// One internal call, described once for both sides (like grpc-swift's
/// `MethodDescriptor`): where it is served, how, and the bodies it carries.
///
/// The calling side sends a `Request` to ``path`` and reads a `Response`; the
/// serving side registers its handler for the same description, so the two cannot
/// disagree on a path or a message type. Every call is listed in ``WireMethods``.
public struct WireMethod<Request: WireBody, Response: WireBody>: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP method.
    public var httpMethod: WireHTTPMethod
    /// The path, starting with `/internal/`.
    public var path: String
    /// Whether sending the call again (after a timeout, or to another replica)
    /// cannot do harm: the receiving side merges or deduplicates what it stores.
    public var idempotent: Bool

    /// Describes a call. `GET` calls send no body: their request is always the
    /// empty value of `Request`.
    public init(_ httpMethod: WireHTTPMethod, _ path: String, idempotent: Bool) {
        precondition(path.first == "/", "paths start with '/'")
        self.httpMethod = httpMethod
        self.path = path
        self.idempotent = idempotent
    }

    /// The type of the body the caller sends.
    public var requestType: Request.Type { Request.self }

    /// The type of the body the member answers with.
    public var responseType: Response.Type { Response.self }

    /// `METHOD path`, for logs.
    public var description: String { "\(httpMethod.rawValue) \(path)" }
}

/// A ``WireMethod`` with its body types erased, to list every call.
public protocol AnyWireMethod: Sendable, CustomStringConvertible {
    /// The HTTP method.
    var httpMethod: WireHTTPMethod { get }
    /// The path.
    var path: String { get }
    /// Whether sending the call again cannot do harm.
    var idempotent: Bool { get }
}

extension WireMethod: AnyWireMethod {}
