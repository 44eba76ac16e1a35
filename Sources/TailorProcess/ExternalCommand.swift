import Foundation

/// A program run to its end with its output captured: the tools and tests run other
/// programs (h2load, nghttp, curl, ip, tc) through it. Output goes to files rather
/// than pipes, so a chatty program never blocks on a full pipe nobody reads yet.
package enum ExternalCommand {
    /// PATH plus the sbin directories: Debian installs nghttpd, ip and tc in /usr/sbin,
    /// which a non-root PATH often lacks.
    package static let searchPath: String = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path + ":/usr/local/sbin:/usr/sbin:/sbin"
    }()

    /// Whether `name` is on ``searchPath`` (tests that need a missing tool are skipped).
    package static func isAvailable(_ name: String) -> Bool {
        searchPath.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// What a finished program left behind.
    package struct Run: Sendable, CustomStringConvertible {
        package var command: String
        package var status: Int32
        package var stdout: Data
        package var stderr: Data

        package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

        /// Everything the program printed, for an error or a failed expectation.
        package var description: String {
            "$ \(command)\nexit status \(status)\n--- stdout ---\n\(stdoutText)\n--- stderr ---\n\(String(decoding: stderr, as: UTF8.self))"
        }
    }

    /// Runs `name` (found on ``searchPath``, or an absolute path) to completion without
    /// blocking a thread while it runs; with `environment` instead of this process's.
    package static func run(_ name: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> Run {
        let started = try Started(name, arguments, environment: environment)
        defer { started.removeFiles() }
        let status = await withCheckedContinuation { continuation in started.onExit { continuation.resume(returning: $0) } }
        return started.run(status: status)
    }

    /// Runs `name` to completion, blocking the calling thread (for synchronous setup
    /// code such as the chaos suite's network).
    package static func runBlocking(_ name: String, _ arguments: [String]) throws -> Run {
        let started = try Started(name, arguments)
        defer { started.removeFiles() }
        started.process.waitUntilExit()
        return started.run(status: started.process.terminationStatus)
    }

    private final class Started: @unchecked Sendable {
        // @unchecked: the process is only started, waited for and read after its exit.
        let name: String
        let arguments: [String]
        let process = Process()
        let stdoutURL: URL
        let stderrURL: URL
        private let exit = ExitBox()

        init(_ name: String, _ arguments: [String], environment given: [String: String]? = nil) throws {
            self.name = name
            self.arguments = arguments
            let id = UUID().uuidString
            let directory = FileManager.default.temporaryDirectory
            let base = (name as NSString).lastPathComponent
            stdoutURL = directory.appendingPathComponent("tailor-\(base)-\(id).out")
            stderrURL = directory.appendingPathComponent("tailor-\(base)-\(id).err")
            FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
            FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [name] + arguments
            var environment = given ?? ProcessInfo.processInfo.environment
            environment["PATH"] = ExternalCommand.searchPath
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
            process.standardError = try FileHandle(forWritingTo: stderrURL)
            let exit = self.exit
            process.terminationHandler = { exit.finish($0.terminationStatus) }
            try process.run()
        }

        func onExit(_ handler: @escaping @Sendable (Int32) -> Void) { exit.onFinish(handler) }

        func run(status: Int32) -> Run {
            Run(
                command: ([name] + arguments).joined(separator: " "), status: status,
                stdout: (try? Data(contentsOf: stdoutURL)) ?? Data(), stderr: (try? Data(contentsOf: stderrURL)) ?? Data()
            )
        }

        func removeFiles() {
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
        }
    }
}
