import Foundation
import NIOCore
import NIOPosix

@testable import TailorHTTP2

/// Runs `nghttpd --no-tls` serving `directory` on a free loopback port for the
/// duration of `body`; the process is killed and reaped afterwards whatever happens,
/// and its output is printed only when something failed.
func withNghttpd<R: Sendable>(
    serving directory: URL,
    _ body: (HTTP2Peer) async throws -> R
) async throws -> R {
    // nghttpd needs a port number up front. The port is free when chosen but another
    // process may take it before nghttpd binds; then nghttpd exits and we try another.
    for attempt in 1...3 {
        let port = try await freeLoopbackPort()
        let nghttpd = try ChildProcess("nghttpd", ["--no-tls", "-a", "127.0.0.1", "-d", directory.path, String(port)])
        defer {
            nghttpd.kill()
            nghttpd.removeLogs()
        }
        guard try await waitUntilAccepting(port: port, while: nghttpd) else {
            if attempt == 3 { throw TestFailure("nghttpd exited before listening on \(port)\n\(nghttpd.log)") }
            continue
        }
        do {
            return try await body(HTTP2Peer(host: "127.0.0.1", port: port))
        } catch {
            print(nghttpd.log)
            throw error
        }
    }
    throw TestFailure("unreachable")
}

/// A port nothing listens on right now: bind port 0, read the port, close.
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0)
        .get()
    let port = channel.localAddress?.port
    try await channel.close()
    guard let port else { throw TestFailure("could not find a free port") }
    return port
}

/// Retries a TCP connect until it succeeds (true), the process exits (false), or ten
/// seconds pass (throws). nghttpd prints nothing when it is ready.
private func waitUntilAccepting(port: Int, while process: ChildProcess) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(10)
    var delay = Duration.milliseconds(5)
    while true {
        guard process.isRunning else { return false }
        let connected = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port)
            .get()
        if let connected {
            try? await connected.close()
            return true
        }
        guard ContinuousClock.now + delay < deadline else {
            throw TestFailure("nghttpd did not accept connections on \(port) within 10 s\n\(process.log)")
        }
        try await Task.sleep(for: delay)
        delay = min(delay * 2, .milliseconds(100))
    }
}
