import Foundation

/// The processes `tailor local` started: their standard output and error go to the
/// launcher's, and they are stopped with SIGTERM, then SIGKILL after a grace period.
struct ChildProcesses: Sendable {
    struct Child: @unchecked Sendable {
        // Process is thread-safe for the calls made here (isRunning, terminate, pid).
        var name: String
        var process: Process
    }

    private(set) var children: [Child] = []

    mutating func start(name: String, executable: String, arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = Self.environment(ProcessInfo.processInfo.environment)
        try process.run()
        children.append(Child(name: name, process: process))
    }

    /// The launcher's environment without its settings (`TAILOR_*` variables and the
    /// config file): `tailor local` read them for itself and gives each child every
    /// flag it means it to have, so a `TAILOR_LISTEN` meant for one process cannot
    /// reach all of them.
    static func environment(_ environment: [String: String]) -> [String: String] {
        environment.filter { key, _ in !SettingsCatalog.environmentNames.contains(key) && key != SettingsOptions.environmentVariable }
    }

    func exited() -> [(name: String, status: Int32)] {
        children.filter { !$0.process.isRunning }.map { ($0.name, $0.process.terminationStatus) }
    }

    func firstExited() -> (name: String, status: Int32)? { exited().first }

    /// SIGTERM to every child, then SIGKILL to those still running after `grace`.
    func stopAll(grace: Duration) async {
        for child in children where child.process.isRunning {
            kill(child.process.processIdentifier, SIGTERM)
        }
        let deadline = ContinuousClock.now + grace
        while children.contains(where: { $0.process.isRunning }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for child in children where child.process.isRunning {
            say("tailor local: \(child.name) did not stop in time; killing it")
            kill(child.process.processIdentifier, SIGKILL)
            child.process.waitUntilExit()
        }
    }
}
