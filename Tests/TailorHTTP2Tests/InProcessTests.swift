import HTTPTypes
import NIOCore
import Synchronization
import Testing

@testable import TailorHTTP2

/// Calls to a server in the same process (`tailor node --public-listen`) run through
/// its router without a socket, and answer as a call over a connection would. The
/// peers here have no server listening: an answer can only come in process.
@Suite("in-process calls")
struct InProcessTests {
    /// A port nothing listens on (a call over a connection would fail to connect).
    let peer = HTTP2Peer(host: "127.0.0.1", port: 1)

    @Test("a call to a peer served in process gets its handler's answer, headers and body, with no server listening")
    func answersWithoutASocket() async throws {
        let servers = InProcessServers()
        servers.serve(testRouter(), at: [peer])
        let client = HTTP2Client(inProcess: servers)
        var headers = HTTPFields()
        headers[HTTPField.Name("x-echo")!] = "hello"
        let response = try await client.call(peer, path: "/echo", headers: headers, body: payload(70_000), timeout: .seconds(5))
        #expect(response.status == .ok)
        #expect(response.headers[HTTPField.Name("x-echo")!] == "hello")
        #expect(response.body == payload(70_000))
        // The handler sees the caller's deadline, as over a connection.
        let deadline = try await client.call(peer, method: .get, path: "/deadline", timeout: .seconds(5))
        let remaining = Int(String(buffer: deadline.body)) ?? -1
        #expect((4_000...5_000).contains(remaining), "the handler saw \(remaining) ms left")
    }

    @Test("unknown paths and methods, and handler errors, answer as the server answers them")
    func refusalsAsOverAConnection() async throws {
        var router = testRouter()
        router.on(.post, "/fails") { _, _ in throw HTTP2ServerError(.conflict, "no") }
        router.on(.post, "/crashes") { _, _ in throw TestFailure("secret detail") }
        let servers = InProcessServers()
        servers.serve(router, at: [peer])
        let client = HTTP2Client(inProcess: servers)
        #expect(try await client.call(peer, path: "/nowhere", timeout: .seconds(5)).status == .notFound)
        #expect(try await client.call(peer, method: .get, path: "/echo", timeout: .seconds(5)).status == .methodNotAllowed)
        let conflict = try await client.call(peer, path: "/fails", timeout: .seconds(5))
        #expect(conflict.status == .conflict)
        #expect(String(buffer: conflict.body) == #"{"error":"no"}"#)
        let crash = try await client.call(peer, path: "/crashes", timeout: .seconds(5))
        #expect(crash.status == .internalServerError)
        #expect(!String(buffer: crash.body).contains("secret"))
    }

    @Test("the router's authenticator refuses before any handler runs")
    func authenticatorRefuses() async throws {
        let ran = Atomic<Int>(0)
        var router = HTTP2Router()
        router.on(.post, "/write") { _, _ in
            ran.add(1, ordering: .relaxed)
            return HTTP2Response(status: .ok)
        }
        router.authenticator = { request in
            request.headers[HTTPField.Name("x-signed")!] == "yes" ? nil : HTTP2ServerError(.unauthorized, "unsigned")
        }
        let servers = InProcessServers()
        servers.serve(router, at: [peer])
        let client = HTTP2Client(inProcess: servers)
        #expect(try await client.call(peer, path: "/write", timeout: .seconds(5)).status == .unauthorized)
        #expect(ran.load(ordering: .relaxed) == 0)
        var signed = HTTPFields()
        signed[HTTPField.Name("x-signed")!] = "yes"
        #expect(try await client.call(peer, path: "/write", headers: signed, timeout: .seconds(5)).status == .ok)
        #expect(ran.load(ordering: .relaxed) == 1)
    }

    @Test("past the deadline the call fails with deadlineExceeded and its handler is cancelled")
    func deadlineCancelsTheHandler() async throws {
        let cancelled = Signal()
        var router = HTTP2Router()
        router.on(.post, "/slow") { _, _ in
            // Waits until cancelled (the deadline); never answers by itself.
            await withTaskCancellationHandler {
                let (never, _) = AsyncStream<Void>.makeStream()
                for await _ in never {}
            } onCancel: {
                cancelled.fire()
            }
            return HTTP2Response(status: .ok)
        }
        let servers = InProcessServers()
        servers.serve(router, at: [peer])
        let client = HTTP2Client(inProcess: servers)
        do {
            _ = try await client.call(peer, path: "/slow", timeout: .milliseconds(50))
            Issue.record("a handler that never answers was answered")
        } catch let error as HTTP2CallError {
            #expect(error.code == .deadlineExceeded)
        }
        try await cancelled.wait()
    }

    @Test("a peer removed from in-process serving is called over a connection again")
    func removedPeerUsesTheNetwork() async throws {
        try await withServer(testRouter()) { _, served in
            var router = HTTP2Router()
            router.on(.post, "/echo") { _, _ in HTTP2Response(status: .accepted) }
            let servers = InProcessServers()
            servers.serve(router, at: [served])
            let client = HTTP2Client(inProcess: servers)
            let inProcess = try await client.call(served, path: "/echo", timeout: .seconds(5))
            servers.remove([served])
            let overTheNetwork = try await client.call(served, path: "/echo", timeout: .seconds(5))
            await client.shutdown()
            #expect(inProcess.status == .accepted)
            #expect(overTheNetwork.status == .ok)
        }
    }
}
