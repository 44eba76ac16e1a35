import NIOCore
import HTTPTypes
import TailorHTTP2
import TailorTrust
import TailorWire

/// The one client for internal calls: sends a ``WireMethod``'s request to a member
/// over ``HTTP2Client`` and reads its response. Which member to ask, and what to do
/// when it fails, is the caller's business.
///
/// ```swift
/// let status = try await client.call(WireMethods.status, WirePingRequest(), on: peer, timeout: .seconds(1))
/// ```
package struct RPCClient: Sendable {
    /// The HTTP/2 client calls go through (its connections are shared by all calls).
    package let http: HTTP2Client
    /// Signs every call with the cluster secret (nothing when open).
    package let trust: ClusterTrust

    /// Calls through `http`, signed with `trust`'s secret.
    package init(_ http: HTTP2Client, trust: ClusterTrust) {
        self.http = http
        self.trust = trust
    }

    /// Sends `request` to `peer` and waits for the answer.
    ///
    /// `GET` calls send no body. The request goes with its body's `content-type`;
    /// the call's `timeout` also goes to the peer, which stops working when it passes.
    ///
    /// - Throws: ``RPCError``. (Untyped: typed throws across `async` task-group
    ///   children miscompiled in Swift 6.3, see the gateway's `ClusterClient`.)
    package func call<Request, Response>(
        _ method: WireMethod<Request, Response>, _ request: Request, on peer: HTTP2Peer, timeout: Duration
    ) async throws -> Response {
        let body: ByteBuffer
        if method.httpMethod == .get {
            body = ByteBuffer()
        } else {
            do { body = try request.wireBuffer() } catch {
                throw RPCError(code: .requestNotEncoded, path: method.path, message: "could not encode the request: \(error)", cause: error)
            }
        }
        return try await call(method, encoded: body, on: peer, timeout: timeout)
    }

    /// ``call(_:_:on:timeout:)`` with the request already encoded (the gateway's
    /// scatter encodes the part shared by every node once).
    package func call<Request, Response>(
        _ method: WireMethod<Request, Response>, encoded body: ByteBuffer, on peer: HTTP2Peer, timeout: Duration
    ) async throws -> Response {
        var headers = HTTPFields()
        if let contentType = Request.contentType { headers[.contentType] = contentType }
        let httpMethod = HTTPRequest.Method(method.httpMethod)
        if let signature = body.withUnsafeReadableBytes({ trust.signature(method: httpMethod.rawValue, path: method.path, body: $0) }) {
            headers[ClusterTrust.signatureField] = signature
        }
        let response: HTTP2Response
        do {
            response = try await http.call(
                peer, method: httpMethod, path: method.path, headers: headers, body: body, timeout: timeout
            )
        } catch {
            throw RPCError(code: .transport, path: method.path, message: "\((error as? HTTP2CallError)?.code.description ?? "\(error)")", cause: error)
        }
        if response.status == .unauthorized {
            throw RPCError(
                code: .notTrusted, path: method.path,
                message: "the member refused this member's signature (do both hold the same cluster secret?): \(String(buffer: response.body).prefix(200))",
                status: response.status
            )
        }
        guard response.status.kind == .successful else {
            let text = String(buffer: response.body)
            throw RPCError(
                code: .unexpectedStatus, path: method.path, message: "answered \(response.status.code): \(text.prefix(200))",
                status: response.status
            )
        }
        do {
            return try Response(wireBuffer: response.body)
        } catch {
            throw RPCError(code: .responseNotDecoded, path: method.path, message: "\(error)", cause: error)
        }
    }

    /// Closes the HTTP/2 client's connections.
    package func shutdown() async {
        await http.shutdown()
    }
}

extension HTTPRequest.Method {
    /// The HTTP method of a ``WireHTTPMethod``.
    package init(_ method: WireHTTPMethod) {
        switch method {
        case .get: self = .get
        case .post: self = .post
        }
    }
}

extension ClusterTrust {
    /// The `tailor-signature` header.
    package static let signatureField = HTTPField.Name(headerName)!
}

extension HTTP2Router {
    /// Refuses, before routing, every request not signed with `trust`'s secret:
    /// `401` with the reason (unsigned, malformed, stale, bad signature, replayed).
    /// `GET /readyz` stays open (probes); an open trust admits everything.
    package mutating func requireSignatures(_ trust: ClusterTrust) {
        guard !trust.isOpen else {
            authenticator = nil
            return
        }
        authenticator = { request in
            // Readiness only says "ready" or not: open to probes that hold no secret.
            if request.method == .get, request.path == "/readyz" { return nil }
            let refusal = request.body.withUnsafeReadableBytes {
                trust.refusal(
                    method: request.method.rawValue, path: request.path, header: request.headers[ClusterTrust.signatureField], body: $0
                )
            }
            return refusal.map { HTTP2ServerError(.unauthorized, $0) }
        }
    }
}
