import Foundation
import Synchronization

/// The one launcher of Tailor's processes: `tailor local`, the tests' clusters, the
/// benchmarks and the chaos suite start their members through it. Each member is a
/// named child process whose output goes to the launcher's own (``Output/inherit``) or
/// to a log file per member, kept across restarts (``Output/logFiles(in:)``); it can be
/// signalled, restarted with the same command line, waited for, and every member is
/// stopped (SIGTERM, then SIGKILL after a grace period) by ``stopAll(grace:)``.
package final class MemberProcesses: Sendable {
    /// Where the members' standard output and error go.
    package enum Output: Sendable {
        /// The launcher's own.
        case inherit
        /// Standard output dropped, standard error the launcher's.
        case discardOutput
        /// `DIRECTORY/<member>.log`, appended to by a restarted member.
        case logFiles(in: URL)
    }

    /// How a member is started: its executable and arguments, optionally behind a
    /// wrapper (`ip netns exec ns1`), and variables added to its environment.
    package struct Launch: Sendable {
        package var executable: String
        package var arguments: [String]
        package var wrapper: [String] = []
        package var environment: [String: String] = [:]

        package init(executable: String, arguments: [String], wrapper: [String] = [], environment: [String: String] = [:]) {
            self.executable = executable
            self.arguments = arguments
            self.wrapper = wrapper
            self.environment = environment
        }
    }

    private struct Member: @unchecked Sendable {
        // @unchecked: Foundation's Process is thread-safe for the calls made here
        // (isRunning, terminationStatus, processIdentifier, waitUntilExit).
        var process: Process
        var launch: Launch
    }

    package let output: Output
    /// The environment every member starts from (the launcher's, by default).
    private let baseEnvironment: [String: String]
    /// Every member started, by name, and their names in the order first started:
    /// one lock, so the two never disagree.
    private let members = Mutex<(byName: [String: Member], order: [String])>(([:], []))

    package init(output: Output, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.output = output
        self.baseEnvironment = environment
        if case .logFiles(let directory) = output {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
    }

    /// The members started so far, in the order they were first started.
    package var names: [String] { members.withLock { $0.order } }

    /// Starts member `name`. A name already running is refused.
    package func start(_ name: String, _ launch: Launch) throws {
        if isRunning(name) { throw LaunchError("\(name) is already running") }
        let process = Process()
        if let tool = launch.wrapper.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(launch.wrapper.dropFirst()) + [launch.executable] + launch.arguments
        } else {
            process.executableURL = URL(fileURLWithPath: launch.executable)
            process.arguments = launch.arguments
        }
        process.environment = baseEnvironment.merging(launch.environment) { $1 }
        if case .logFiles(let directory) = output {
            let log = directory.appendingPathComponent("\(name).log")
            if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()  // a restarted member's log follows its first life's
            process.standardOutput = handle
            process.standardError = handle
        }
        if case .discardOutput = output { process.standardOutput = FileHandle.nullDevice }
        try process.run()
        members.withLock {
            if $0.byName[name] == nil { $0.order.append(name) }
            $0.byName[name] = Member(process: process, launch: launch)
        }
    }

    /// Starts a stopped (killed, terminated, crashed) member again the way it was started.
    package func restart(_ name: String) throws {
        guard let launch = members.withLock({ $0.byName[name]?.launch }) else { throw LaunchError("no member \(name) was started") }
        try start(name, launch)
    }

    /// How member `name` was last started.
    package func launch(of name: String) -> Launch? { members.withLock { $0.byName[name]?.launch } }

    package func isRunning(_ name: String) -> Bool {
        members.withLock { $0.byName[name]?.process.isRunning ?? false }
    }

    /// The member's process id while it has one.
    package func pid(of name: String) -> Int32? {
        members.withLock { $0.byName[name].map(\.process.processIdentifier) }
    }

    /// Sends `signal` to member `name` (nothing when it is not running).
    package func signal(_ name: String, _ signal: ProcessControl.Signal) {
        guard let process = members.withLock({ $0.byName[name]?.process }), process.isRunning else { return }
        ProcessControl.send(signal, to: process.processIdentifier)
    }

    /// Sends `signal` to member `name` and waits until it has exited (for terminate and kill).
    package func signalAndWait(_ name: String, _ signal: ProcessControl.Signal) {
        guard let process = members.withLock({ $0.byName[name]?.process }) else { return }
        if process.isRunning { ProcessControl.send(signal, to: process.processIdentifier) }
        process.waitUntilExit()
    }

    /// The member's exit status once it has exited; nil while it still runs after `timeout`.
    package func exitStatus(of name: String, within timeout: Duration) async -> Int32? {
        guard let process = members.withLock({ $0.byName[name]?.process }) else { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// The members that have exited, with their status, in start order.
    package func exited() -> [(name: String, status: Int32)] {
        let (members, order) = members.withLock { ($0.byName, $0.order) }
        return order.compactMap { name in
            guard let process = members[name]?.process, !process.isRunning else { return nil }
            return (name, process.terminationStatus)
        }
    }

    /// Polls `ready` every `interval` until it holds. Throws when `timeout` passes first,
    /// or when one of `watching` (every member, by default) exits meanwhile.
    package func waitUntil(
        timeout: Duration, interval: Duration = .milliseconds(100), watching: Set<String>? = nil, what: String = "the cluster",
        _ ready: () async -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let exit = exited().first(where: { watching?.contains($0.name) ?? true }) {
                throw LaunchError("\(exit.name) exited with status \(exit.status) during start-up")
            }
            if await ready() { return }
            guard ContinuousClock.now < deadline else { throw LaunchError("\(what) was not ready within \(timeout)") }
            try await Task.sleep(for: interval)
        }
    }

    /// SIGCONT and SIGTERM to every running member, then SIGKILL to those still running
    /// after `grace`; returns once all have exited. `onKill` hears of each member killed.
    package func stopAll(grace: Duration, onKill: (String) -> Void = { _ in }) async {
        let running = members.withLock { $0.byName }.filter { $0.value.process.isRunning }
        for (_, member) in running {
            ProcessControl.send(.resume, to: member.process.processIdentifier)
            ProcessControl.send(.terminate, to: member.process.processIdentifier)
        }
        let deadline = ContinuousClock.now + grace
        while running.values.contains(where: { $0.process.isRunning }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for (name, member) in running.sorted(by: { $0.key < $1.key }) where member.process.isRunning {
            onKill(name)
            ProcessControl.send(.kill, to: member.process.processIdentifier)
            member.process.waitUntilExit()
        }
    }

    /// The log file of member `name` (nil when the output is inherited).
    package func logFile(of name: String) -> URL? {
        guard case .logFiles(let directory) = output else { return nil }
        return directory.appendingPathComponent("\(name).log")
    }

    /// The last `limit` characters of member `name`'s log.
    package func log(of name: String, limit: Int = 8_000) -> String {
        guard let file = logFile(of: name), let text = try? String(contentsOf: file, encoding: .utf8) else { return "" }
        return String(text.suffix(limit))
    }

    /// Every member's log, each under a heading, for a failed test or run.
    package func logs(limit: Int = 8_000) -> String {
        names.sorted().map { "----- \($0) -----\n\(log(of: $0, limit: limit))" }.joined(separator: "\n")
    }
}

/// A member that could not be started or did not become ready.
package struct LaunchError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
