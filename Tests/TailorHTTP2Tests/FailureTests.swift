import HTTPTypes
import NIOCore
import Synchronization
import Testing

@testable import TailorHTTP2

@Suite("Failures: deadlines, cancellation, GOAWAY, dead and restarted peers")
struct FailureTests {
    @Test("a peer that stops answering: the deadline error arrives on time")
    func silentPeer() async throws {
        let silent = try await RawTCPServer(.silent)
        defer { silent.closeNow() }
        try await withClient { client in
            let start = ContinuousClock.now
            let error = await #expect(throws: HTTP2CallError.self) {
                try await client.call(HTTP2Peer(host: "127.0.0.1", port: silent.port), path: "/echo", timeout: .milliseconds(300))
            }
            let elapsed = ContinuousClock.now - start
            #expect(error?.code == .deadlineExceeded)
            #expect(elapsed >= .milliseconds(300))
            #expect(elapsed < .seconds(2))
        }
    }

    @Test("a server that closes the connection mid-call fails the call with connectionClosed")
    func closedMidCall() async throws {
        let closing = try await RawTCPServer(.closeOnFirstRead)
        defer { closing.closeNow() }
        try await withClient { client in
            let error = await #expect(throws: HTTP2CallError.self) {
                try await client.call(HTTP2Peer(host: "127.0.0.1", port: closing.port), path: "/echo", timeout: .seconds(5))
            }
            #expect(error?.code == .connectionClosed)
        }
    }

    @Test("PING keepalive detects a dead peer before the call's deadline")
    func keepaliveDetectsDeadPeer() async throws {
        let silent = try await RawTCPServer(.silent)
        defer { silent.closeNow() }
        var configuration = HTTP2ClientConfiguration.defaults
        configuration.keepaliveInterval = .milliseconds(100)
        configuration.keepaliveTimeout = .milliseconds(200)
        try await withClient(configuration) { client in
            let error = await #expect(throws: HTTP2CallError.self) {
                try await client.call(HTTP2Peer(host: "127.0.0.1", port: silent.port), path: "/echo", timeout: .seconds(10))
            }
            #expect(error?.code == .keepaliveTimeout)
        }
    }

    @Test("a handler slower than the deadline does not outlive it, and the caller gets deadlineExceeded")
    func serverEnforcesDeadline() async throws {
        // The server cancels a running handler when the deadline passes, and never
        // starts one whose deadline passed while it waited: either way none is left.
        let running = Mutex(0)
        var router = HTTP2Router()
        router.on(.post, "/slow") { _, _ in
            running.withLock { $0 += 1 }
            await waitUntilCancelled()
            running.withLock { $0 -= 1 }
            return HTTP2Response(status: .ok)
        }
        try await withServer(router) { _, peer in
            try await withClient { client in
                let error = await #expect(throws: HTTP2CallError.self) {
                    try await client.call(peer, path: "/slow", timeout: .milliseconds(200))
                }
                #expect(error?.code == .deadlineExceeded)
                try await eventually(timeout: .seconds(10)) {
                    let left = running.withLock { $0 }
                    if left != 0 { throw TestFailure("\(left) handler(s) still running after the deadline") }
                }
            }
        }
    }

    @Test("cancelling the calling task resets the stream; the server's handler sees the cancellation")
    func cancellation() async throws {
        let started = Signal()
        let cancelled = Signal()
        var router = HTTP2Router()
        router.on(.post, "/wait") { _, _ in
            started.fire()
            await waitUntilCancelled()
            cancelled.fire()
            return HTTP2Response(status: .ok)
        }
        try await withServer(router) { _, peer in
            try await withClient { client in
                let call = Task { try await client.call(peer, path: "/wait", timeout: .seconds(30)) }
                try await started.wait()
                call.cancel()
                let result = await call.result
                #expect(throws: HTTP2CallError.self) { try result.get() }
                #expect((try? result.get()) == nil)
                if case .failure(let error as HTTP2CallError) = result { #expect(error.code == .cancelled) }
                try await cancelled.wait()
                // The connection is still good for the next call.
                let response = try await client.call(peer, path: "/wait-not-there")
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("GOAWAY: streams up to last-stream-id complete, streams above it fail as retryable")
    func goAwayWithStreamsInFlight() async throws {
        let started = Signal()
        let gate = Gate()
        var router = HTTP2Router()
        router.on(.post, "/gated") { request, _ in
            started.fire()
            await gate.wait()
            return HTTP2Response(status: .ok, body: request.body)
        }
        var configuration = HTTP2ClientConfiguration.defaults
        configuration.connectionsPerPeer = 1
        try await withServer(router) { server, peer in
            try await withClient(configuration) { client in
                try await withThrowingTaskGroup(of: Result<HTTP2Response, HTTP2CallError>.self) { group in
                    for index in 0..<10 {
                        group.addTask {
                            do {
                                return .success(try await client.call(peer, path: "/gated", body: ByteBuffer(string: "\(index)")))
                            } catch let error as HTTP2CallError {
                                return .failure(error)
                            }
                        }
                    }
                    let allStarted: (any Error)? = await { do { try await started.wait(count: 10); return nil } catch { return error } }()
                    // Client streams are 1, 3, …, 19: the first five are kept.
                    await server.goAwayAll(lastStreamID: 9)
                    gate.open()
                    if let allStarted { throw allStarted }
                    var completed = 0
                    var refused = 0
                    for try await result in group {
                        switch result {
                        case .success(let response): if response.status == .ok { completed += 1 }
                        case .failure(let error): if error.code == .refused, error.isRetryable { refused += 1 }
                        }
                    }
                    #expect(completed == 5)
                    #expect(refused == 5)
                }
            }
        }
    }

    @Test("graceful shutdown finishes in-flight streams, then run() returns")
    func gracefulShutdown() async throws {
        let started = Signal()
        let gate = Gate()
        var router = HTTP2Router()
        router.on(.post, "/gated") { _, _ in
            started.fire()
            await gate.wait()
            return HTTP2Response(status: .ok, body: ByteBuffer(string: "done"))
        }
        let (addresses, sink) = AsyncStream<Int>.makeStream()
        let server = HTTP2Server(router: router) { sink.yield($0.port!) }
        try await withClient { client in
            try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    try await server.run()
                    return "stopped"
                }
                var ports = addresses.makeAsyncIterator()
                let peer = HTTP2Peer(host: "127.0.0.1", port: await ports.next()!)
                for _ in 0..<3 {
                    group.addTask { String(buffer: try await client.call(peer, path: "/gated").body) }
                }
                let allStarted: (any Error)? = await { do { try await started.wait(count: 3); return nil } catch { return error } }()
                server.beginGracefulShutdown()
                gate.open()
                if let allStarted { throw allStarted }
                var results: [String] = []
                for try await result in group { results.append(result) }
                #expect(results.sorted() == ["done", "done", "done", "stopped"])
            }
        }
    }

    @Test("the client reconnects after the server restarts on the same port")
    func reconnectAfterRestart() async throws {
        try await withClient { client in
            let port = try await withServer(testRouter()) { _, peer in
                let response = try await client.call(peer, path: "/echo", body: ByteBuffer(string: "first"))
                #expect(String(buffer: response.body) == "first")
                return peer.port
            }
            let peer = HTTP2Peer(host: "127.0.0.1", port: port)
            // The server is gone: calls fail (connectionClosed or connectFailed, depending on timing).
            await #expect(throws: HTTP2CallError.self) {
                try await client.call(peer, path: "/echo", timeout: .seconds(1))
            }
            var configuration = HTTP2ServerConfiguration()
            configuration.port = port
            try await withServer(testRouter(), configuration: configuration) { _, _ in
                let response = try await eventually {
                    try await client.call(peer, path: "/echo", body: ByteBuffer(string: "second"))
                }
                #expect(String(buffer: response.body) == "second")
            }
        }
    }

    @Test("connect failures back off: the next call fails fast without a new attempt")
    func backoff() async throws {
        // Bind and close a port so that nothing listens there.
        let closed = try await RawTCPServer(.silent)
        let port = closed.port
        await closed.close()
        var configuration = HTTP2ClientConfiguration.defaults
        configuration.backoff = BackoffPolicy(initial: .seconds(30), maximum: .seconds(30), multiplier: 2, jitter: 0)
        try await withClient(configuration) { client in
            let peer = HTTP2Peer(host: "127.0.0.1", port: port)
            let first = await #expect(throws: HTTP2CallError.self) { try await client.call(peer, path: "/echo") }
            #expect(first?.code == .connectFailed)
            let second = await #expect(throws: HTTP2CallError.self) { try await client.call(peer, path: "/echo") }
            #expect(second?.code == .backingOff)
            #expect(second?.isRetryable == true)
        }
    }
}

/// Suspends until the current task is cancelled.
func waitUntilCancelled() async {
    // Sleeping is the waiting here: it ends only by cancellation.
    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
}

/// Holds handlers until the test opens it.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
