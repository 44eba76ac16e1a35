import Foundation
import Synchronization

/// A command-line program from another HTTP/2 implementation (nghttp2's tools, curl),
/// started through `/usr/bin/env` so that it is found on PATH.
enum ExternalTool {
    /// PATH plus the sbin directories: Debian installs nghttpd in /usr/sbin, which a
    /// non-root PATH often lacks.
    static let searchPath: String = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path + ":/usr/local/sbin:/usr/sbin:/sbin"
    }()

    /// For `.enabled(if:)`: tests that need a missing tool are skipped, not failed.
    static func isAvailable(_ name: String) -> Bool {
        searchPath.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// Runs `name` to completion. Output goes to files rather than pipes, so a chatty
    /// tool can never block on a full pipe that nobody reads yet.
    static func run(_ name: String, _ arguments: [String]) async throws -> ToolRun {
        let child = try ChildProcess(name, arguments)
        defer { child.removeLogs() }
        let status = await child.exitStatus()
        return ToolRun(
            command: ([name] + arguments).joined(separator: " "),
            status: status,
            stdout: child.stdout(),
            stderr: child.stderr()
        )
    }
}

/// What a finished tool left behind.
struct ToolRun: Sendable, CustomStringConvertible {
    var command: String
    var status: Int32
    var stdout: Data
    var stderr: Data

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// Everything the tool printed, for the message of a failed expectation.
    var description: String {
        "$ \(command)\nexit status \(status)\n--- stdout ---\n\(stdoutText)\n--- stderr ---\n\(String(decoding: stderr, as: UTF8.self))"
    }
}

/// A child process whose stdout and stderr go to temporary files.
final class ChildProcess: Sendable {
    let name: String
    private let process: Process
    private let stdoutURL: URL
    private let stderrURL: URL
    private let exits: AsyncStream<Int32>

    init(_ name: String, _ arguments: [String]) throws {
        self.name = name
        let directory = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        stdoutURL = directory.appendingPathComponent("tailor-\(name)-\(id).out")
        stderrURL = directory.appendingPathComponent("tailor-\(name)-\(id).err")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = ExternalTool.searchPath
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        let (exits, sink) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { process in
            sink.yield(process.terminationStatus)
            sink.finish()
        }
        self.exits = exits
        self.process = process
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var processIdentifier: Int32 { process.processIdentifier }

    /// Waits for the process to end on its own. Call once.
    func exitStatus() async -> Int32 {
        for await status in exits { return status }
        return process.terminationStatus
    }

    /// SIGKILL (nghttpd ignores SIGTERM), then waits so that no orphan or zombie remains.
    func kill() {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func stdout() -> Data { (try? Data(contentsOf: stdoutURL)) ?? Data() }
    func stderr() -> Data { (try? Data(contentsOf: stderrURL)) ?? Data() }

    /// What the process printed, for a failure message.
    var log: String {
        "--- \(name) stdout ---\n\(String(decoding: stdout(), as: UTF8.self))\n--- \(name) stderr ---\n\(String(decoding: stderr(), as: UTF8.self))"
    }

    func removeLogs() {
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }
}

/// A fresh directory for one test, removed afterwards.
func withTemporaryDirectory<R: Sendable>(_ body: (URL) async throws -> R) async throws -> R {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-interop-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}
