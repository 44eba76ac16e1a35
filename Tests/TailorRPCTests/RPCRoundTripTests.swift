import HTTPTypes
import NIOCore
import TailorHTTP2
import TailorRPC
import TailorTrust
import TailorWire
import Testing
import Synchronization

/// A call registered by its description on one side and made by it on the other.
@Suite("Internal calls over HTTP/2")
struct RPCRoundTripTests {
    @Test("a protobuf call: GET sends no body, the answer decodes as the response type")
    func protobufCall() async throws {
        var router = HTTP2Router()
        router.register(WireMethods.status) { request in
            var status = WireNodeStatus()
            status.member = "n1"
            status.ready = request == WirePingRequest()
            return status
        }
        try await withServer(router) { peer, client in
            var ping = WirePingRequest()
            ping.sender = "ignored on GET"
            let status = try await client.call(WireMethods.status, ping, on: peer, timeout: .seconds(5))
            #expect(status.member == "n1")
            #expect(status.ready)
        }
    }

    @Test("text in, JSON out: the bytes and content types are the handler's")
    func textAndJSON() async throws {
        let json = #"[{"product":"p1","popularity":2,"trend":0.5}]"#
        var router = HTTP2Router()
        router.register(WireMethods.readCounters) { request in
            WireJSONText(request.text == "p1\np2" ? json : "[]")
        }
        try await withServer(router) { peer, client in
            let answer = try await client.call(WireMethods.readCounters, WireText("p1\np2"), on: peer, timeout: .seconds(5))
            #expect(answer.json == json)
            let raw = try await client.http.call(peer, path: WireMethods.readCounters.path, body: ByteBuffer(string: "p1\np2"), timeout: .seconds(5))
            #expect(raw.headers[.contentType] == "application/json")
            #expect(String(buffer: raw.body) == json)
        }
    }

    @Test("an empty answer is 204 No Content, and the call succeeds")
    func emptyAnswer() async throws {
        var router = HTTP2Router()
        router.register(WireMethods.gossip) { body in
            guard body.bytes == [1, 2, 3] else { throw HTTP2ServerError(.badRequest, "unexpected body") }
            return WireEmpty()
        }
        try await withServer(router) { peer, client in
            _ = try await client.call(WireMethods.gossip, WireEncodedMessage([1, 2, 3]), on: peer, timeout: .seconds(5))
            let raw = try await client.http.call(peer, path: WireMethods.gossip.path, body: ByteBuffer(bytes: [1, 2, 3]), timeout: .seconds(5))
            #expect(raw.status == .noContent)
            #expect(raw.body.readableBytes == 0)
        }
    }

    @Test("refusals: admit's status before decoding, 400 for a body that is not the request")
    func refusals() async throws {
        var router = HTTP2Router()
        router.register(WireMethods.score, admit: { throw HTTP2ServerError(.serviceUnavailable, "still loading") }) { _ in
            WireScoreResponse()
        }
        router.register(WireMethods.situation) { _ in WireSituationResponse() }
        try await withServer(router) { peer, client in
            do {
                _ = try await client.call(WireMethods.score, WireScoreRequest(), on: peer, timeout: .seconds(5))
                Issue.record("an unadmitted call answered")
            } catch let error as RPCError {
                #expect(error.code == .unexpectedStatus)
                #expect(error.status == .serviceUnavailable)
                #expect(error.message.hasPrefix("answered 503: "))
                #expect(error.message.contains("still loading"))
            }
            let raw = try await client.http.call(
                peer, path: WireMethods.situation.path, body: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF]), timeout: .seconds(5)
            )
            #expect(raw.status == .badRequest)
            #expect(String(buffer: raw.body).contains("body is not a valid \(WireSituationRequest.wireName)"))
        }
    }

    @Test("a member that does not answer is a transport error carrying the HTTP/2 error")
    func transportError() async throws {
        let client = RPCClient(HTTP2Client(), trust: .open)
        defer { Task { await client.shutdown() } }
        do {
            _ = try await client.call(WireMethods.ping, WireEmpty(), on: HTTP2Peer(host: "127.0.0.1", port: 1), timeout: .seconds(2))
            Issue.record("a call to a closed port answered")
        } catch let error as RPCError {
            #expect(error.code == .transport)
            #expect(error.transport != nil)
            #expect(error.message == error.transport?.code.description)
        }
    }

    @Test("with a cluster secret: signed calls are served; unsigned, wrongly signed and replayed ones are refused before the handler")
    func signedCalls() async throws {
        let secret = try ClusterSecret(text: String(repeating: "5e", count: 16))
        let handled = HandledCount()
        var router = HTTP2Router()
        router.register(WireMethods.ping) { _ in
            handled.increment()
            return WireText("pong\n")
        }
        router.requireSignatures(ClusterTrust(secret: secret))
        try await withServer(router, clientTrust: ClusterTrust(secret: secret)) { peer, client in
            #expect(try await client.call(WireMethods.ping, WireEmpty(), on: peer, timeout: .seconds(5)).text == "pong\n")
            #expect(handled.value == 1)
            // Without a signature: 401, and the handler never ran.
            let unsigned = RPCClient(client.http, trust: .open)
            await #expect(throws: RPCError.self) { try await unsigned.call(WireMethods.ping, WireEmpty(), on: peer, timeout: .seconds(5)) }
            do {
                _ = try await unsigned.call(WireMethods.ping, WireEmpty(), on: peer, timeout: .seconds(5))
            } catch let error as RPCError {
                #expect(error.code == .notTrusted)
                #expect(error.message.contains("unsigned"))
            }
            let stranger = RPCClient(client.http, trust: ClusterTrust(secret: try ClusterSecret(text: String(repeating: "77", count: 16))))
            do {
                _ = try await stranger.call(WireMethods.ping, WireEmpty(), on: peer, timeout: .seconds(5))
                Issue.record("a call signed with another secret was served")
            } catch let error as RPCError {
                #expect(error.code == .notTrusted)
                #expect(error.message.contains("bad signature"))
            }
            // A byte-exact replay of a signed request.
            let signature = try #require(
                ByteBuffer().withUnsafeReadableBytes { ClusterTrust(secret: secret).signature(method: "GET", path: "/internal/ping", body: $0) }
            )
            var headers = HTTPFields()
            headers[ClusterTrust.signatureField] = signature
            let first = try await client.http.call(peer, method: .get, path: "/internal/ping", headers: headers, body: ByteBuffer(), timeout: .seconds(5))
            let replay = try await client.http.call(peer, method: .get, path: "/internal/ping", headers: headers, body: ByteBuffer(), timeout: .seconds(5))
            #expect(first.status == .ok)
            #expect(replay.status == .unauthorized)
            #expect(String(buffer: replay.body).contains("replayed"))
            #expect(handled.value == 2)
        }
    }
}

/// Starts an ``HTTP2Server`` with `router` on a free loopback port and calls `body`
/// with its address and a client; stops both afterwards.
private func withServer(
    _ router: HTTP2Router, clientTrust: ClusterTrust = .open, _ body: (HTTP2Peer, RPCClient) async throws -> Void
) async throws {
    let (addresses, sink) = AsyncStream<SocketAddress>.makeStream()
    var configuration = HTTP2ServerConfiguration.defaults
    configuration.host = "127.0.0.1"
    configuration.port = 0
    let server = HTTP2Server(configuration: configuration, router: router) { address in
        sink.yield(address)
        sink.finish()
    }
    let client = RPCClient(HTTP2Client(), trust: clientTrust)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { sink.finish() }
            try await server.run()
        }
        var iterator = addresses.makeAsyncIterator()
        guard let port = await iterator.next()?.port else {
            try await group.waitForAll()
            Issue.record("the server did not start")
            return
        }
        defer { group.cancelAll() }
        do {
            try await body(HTTP2Peer(host: "127.0.0.1", port: port), client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}

/// How many times a handler ran.
private final class HandledCount: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
