import Foundation
import NIOCore
import NIOPosix

/// nghttp2's own server, `nghttpd --no-tls`, serving a directory on a free loopback port.
final class Nghttpd {
    let port: Int
    private let process: Process

    init(directory: URL) throws {
        port = try Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", directory.path, String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until nghttpd accepts connections (it prints nothing when ready).
    func waitUntilReady(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchError("nghttpd exited with \(process.terminationStatus); is nghttp2-server installed?") }
            if (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get().close()) != nil {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("nghttpd did not start listening on port \(port)")
    }

    func stop() {
        guard process.isRunning else { return }
        // SIGKILL: nghttpd may take its time on SIGTERM, and Foundation's
        // waitUntilExit spins while it waits.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Asks the kernel for a free port by binding port 0, then releases it.
    private static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        guard let port = channel.localAddress?.port else { throw BenchError("could not find a free port") }
        return port
    }
}
