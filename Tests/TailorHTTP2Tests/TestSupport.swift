import HTTPTypes
import NIOCore
import NIOPosix
import Testing

@testable import TailorHTTP2

/// Starts an ``HTTP2Server`` on a free loopback port, runs `body`, then cancels the server.
func withServer<R: Sendable>(
    _ router: HTTP2Router,
    configuration: HTTP2ServerConfiguration = .init(),
    _ body: (HTTP2Server, HTTP2Peer) async throws -> R
) async throws -> R {
    let (addresses, sink) = AsyncStream<SocketAddress>.makeStream()
    let server = HTTP2Server(configuration: configuration, router: router) { address in
        sink.yield(address)
        sink.finish()
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            // A server that fails to bind must not leave the test waiting for its address.
            defer { sink.finish() }
            try await server.run()
        }
        var iterator = addresses.makeAsyncIterator()
        guard let address = await iterator.next(), let port = address.port else {
            try await group.waitForAll()  // rethrows the server's own error, if any
            throw TestFailure("server did not start")
        }
        defer { group.cancelAll() }
        return try await body(server, HTTP2Peer(host: "127.0.0.1", port: port))
    }
}

/// A client for one test, shut down afterwards.
func withClient<R: Sendable>(
    _ configuration: HTTP2ClientConfiguration = .defaults,
    _ body: (HTTP2Client) async throws -> R
) async throws -> R {
    let client = HTTP2Client(configuration: configuration)
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// A router with the routes the tests use.
func testRouter() -> HTTP2Router {
    var router = HTTP2Router()
    router.on(.post, "/echo") { request, _ in
        var headers = HTTPFields()
        headers[HTTPField.Name("x-echo")!] = request.headers[HTTPField.Name("x-echo")!] ?? ""
        return HTTP2Response(status: .ok, headers: headers, body: request.body)
    }
    router.on(.get, "/deadline") { _, context in
        let remaining = context.deadline.map { $0 - .now } ?? .zero
        return HTTP2Response(status: .ok, body: ByteBuffer(string: "\(remaining.milliseconds)"))
    }
    return router
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A one-shot signal a test awaits instead of sleeping.
final class Signal: Sendable {
    private let stream: AsyncStream<Void>
    private let sink: AsyncStream<Void>.Continuation

    init() {
        (stream, sink) = AsyncStream<Void>.makeStream()
    }

    func fire() { sink.yield() }

    /// Waits for `count` fires; throws if they have not all come within `timeout`, so
    /// that a missing event fails the test instead of hanging the run.
    func wait(count: Int = 1, timeout: Duration = .seconds(20)) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                var seen = 0
                for await _ in self.stream {
                    seen += 1
                    if seen == count { return true }
                }
                return false
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let arrived = try await group.next() ?? false
            group.cancelAll()
            if !arrived { throw TestFailure("waited \(timeout) for \(count) signal(s)") }
        }
    }
}

/// Retries `operation` until it succeeds or `timeout` passes; for conditions that
/// become true asynchronously (a server coming back), never a fixed sleep.
func eventually<R>(timeout: Duration = .seconds(10), _ operation: () async throws -> R) async throws -> R {
    let deadline = ContinuousClock.now + timeout
    var delay = Duration.milliseconds(10)
    while true {
        do {
            return try await operation()
        } catch {
            if ContinuousClock.now + delay > deadline { throw error }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(200))
        }
    }
}

/// `count` bytes of a pseudo-random pattern. The pattern repeats every 65,521 bytes (a
/// prime, so it never lines up with frame or window sizes): a lost, duplicated or
/// shifted chunk changes the bytes. Built with one copy per block, so that large
/// bodies cost milliseconds even in debug builds and never hold up other tests.
func payload(_ count: Int, seed: UInt8 = 7) -> ByteBuffer {
    let block = [UInt8](unsafeUninitializedCapacity: 65_521) { bytes, initialized in
        var value = seed
        for index in 0..<bytes.count {
            bytes[index] = value
            value = value &* 31 &+ 17
        }
        initialized = bytes.count
    }
    var buffer = ByteBuffer()
    buffer.reserveCapacity(count)
    while buffer.readableBytes < count {
        buffer.writeBytes(block.prefix(count - buffer.readableBytes))
    }
    return buffer
}
