import Foundation
import NIOCore
import NIOPosix
import TailorProcess

/// nghttp2's own server, `nghttpd --no-tls`, serving a directory on a free loopback
/// port: an independent HTTP/2 peer for the transport's interop tests and its
/// benchmark. Started through ``MemberProcesses`` (its output in a log file, shown
/// only when something fails); ``stop()`` kills it (it may take its time on SIGTERM).
package final class Nghttpd: Sendable {
    package let port: Int
    private let processes: MemberProcesses
    private let directory: URL

    private init(port: Int, processes: MemberProcesses, directory: URL) {
        self.port = port
        self.processes = processes
        self.directory = directory
    }

    /// Starts nghttpd serving `directory` and waits until it accepts connections. The
    /// port is free when chosen but another process may take it before nghttpd binds;
    /// then nghttpd exits and another port is tried (three in all).
    package static func start(serving directory: URL) async throws -> Nghttpd {
        var lastLog = ""
        for _ in 1...3 {
            let port = try FreePorts.take(1)[0]
            let logs = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-nghttpd-\(UUID().uuidString)")
            let processes = MemberProcesses(output: .logFiles(in: logs))
            try processes.start("nghttpd", .init(
                executable: "/usr/bin/env", arguments: ["nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", directory.path, String(port)],
                environment: ["PATH": ExternalCommand.searchPath]
            ))
            let server = Nghttpd(port: port, processes: processes, directory: logs)
            do {
                // nghttpd prints nothing when it is ready: a TCP connect tells.
                try await processes.waitUntil(timeout: .seconds(10), interval: .milliseconds(20), what: "nghttpd on \(port)") {
                    guard let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                        .connect(host: "127.0.0.1", port: port).get()
                    else { return false }
                    try? await channel.close()
                    return true
                }
                return server
            } catch {
                lastLog = server.log
                server.stop()
                continue
            }
        }
        throw LaunchError("nghttpd did not start listening (is nghttp2-server installed?)\n\(lastLog)")
    }

    /// What nghttpd printed, for a failure message.
    package var log: String { processes.log(of: "nghttpd") }

    /// SIGKILL, waits so that no orphan or zombie remains, and removes the log.
    package func stop() {
        processes.signalAndWait("nghttpd", .kill)
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with nghttpd serving `directory`; stops it afterwards whatever happens,
/// printing its log when `body` failed.
package func withNghttpd<R: Sendable>(serving directory: URL, _ body: (_ port: Int) async throws -> R) async throws -> R {
    let server = try await Nghttpd.start(serving: directory)
    defer { server.stop() }
    do {
        return try await body(server.port)
    } catch {
        print(server.log)
        throw error
    }
}
