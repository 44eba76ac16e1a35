import HTTPTypes
import NIOCore
import TailorHTTP2
import TailorWire

extension HTTP2Router {
    /// Serves `method` with `handler`, which takes the decoded request and returns the
    /// response to encode.
    ///
    /// - `admit` runs first, before the body is read: a member that cannot serve the
    ///   call yet (still loading) throws its ``HTTP2ServerError`` there.
    /// - A body that is not a `Request` is answered `400 body is not a valid <name>`.
    ///   `GET` calls carry no body: their request is the empty value, whatever arrives.
    /// - The response is sent `200 OK` with its body's `content-type`, or
    ///   `204 No Content` for ``WireEmpty``. A handler's ``HTTP2ServerError`` is
    ///   answered as it says; any other error answers 500.
    package mutating func register<Request, Response>(
        _ method: WireMethod<Request, Response>,
        admit: @escaping @Sendable () throws -> Void = {},
        handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        on(HTTPRequest.Method(method.httpMethod), method.path) { request, _ in
            try admit()
            let decoded: Request
            do {
                decoded = try Request(wireBuffer: method.httpMethod == .get ? ByteBuffer() : request.body)
            } catch {
                throw HTTP2ServerError(.badRequest, "body is not a valid \(Request.wireName)")
            }
            return try HTTP2Response(answering: try await handler(decoded))
        }
    }
}

extension HTTP2Response {
    /// The answer carrying `body`: `204 No Content` for ``WireEmpty``, else `200 OK`
    /// with the body's `content-type`.
    package init(answering body: some WireBody) throws {
        if body is WireEmpty {
            self.init(status: .noContent)
            return
        }
        var headers = HTTPFields()
        if let contentType = type(of: body).contentType { headers[.contentType] = contentType }
        self.init(status: .ok, headers: headers, body: try body.wireBuffer())
    }
}
