import Foundation
import HTTPTypes
import NIOCore
import TailorGossip
import TailorHTTP2

/// One cluster size of ``MembershipBenchCommand``.
struct MembershipBench {
    let executable: String
    let size: Int
    let firstPort: Int
    let trials: Int
    let quietSeconds: Int

    struct Result {
        var detections: [Double] = []
        var bytesPerSecond: [Double] = []
    }

    private var names: [String] { (1...size).map { "m\($0)" } }
    private func port(_ name: String) -> Int { firstPort + Int(name.dropFirst())! - 1 }
    private var membersArgument: String { names.map { "\($0)=127.0.0.1:\(port($0))" }.joined(separator: ",") }

    func measure() async throws -> Result {
        let client = HTTP2Client()
        defer { Task { await client.shutdown() } }
        var processes: [String: Process] = [:]
        defer { for process in processes.values where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        for name in names { processes[name] = try start(name) }
        var result = Result()
        guard try await waitUntil(seconds: 30, { try await everyoneSees(names, alive: Set(names), client: client) }) else {
            throw BenchError("the \(size) members did not all see each other alive within 30 s")
        }
        // Gossip traffic over a quiet window.
        let before = try await reports(names, client: client)
        try await Task.sleep(for: .seconds(quietSeconds))
        let after = try await reports(names, client: client)
        for name in names {
            guard let first = before[name], let last = after[name] else { continue }
            result.bytesPerSecond.append(Double(last.bytesSent - first.bytesSent) / (last.uptimeSeconds - first.uptimeSeconds))
        }
        for trial in 0..<trials {
            let victim = names[1 + trial % (size - 1)]
            let survivors = names.filter { $0 != victim }
            let killedAt = ContinuousClock.now
            kill(processes[victim]!.processIdentifier, SIGKILL)
            processes[victim]!.waitUntilExit()
            guard try await waitUntil(seconds: 20, { try await everyone(survivors, see: victim, as: "dead", client: client) }) else {
                throw BenchError("not every survivor marked \(victim) dead within 20 s")
            }
            let took = ContinuousClock.now - killedAt
            result.detections.append(Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
            processes[victim] = try start(victim)
            guard try await waitUntil(seconds: 30, { try await everyoneSees(names, alive: Set(names), client: client) }) else {
                throw BenchError("\(victim) restarted but not everyone saw it alive within 30 s")
            }
        }
        for process in processes.values { kill(process.processIdentifier, SIGTERM) }
        for process in processes.values { process.waitUntilExit() }
        return result
    }

    private func start(_ name: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "node", "--name", name, "--listen", "127.0.0.1:\(port(name))", "--members", membersArgument,
            "--partitions", "8", "--log-level", "warning", "--threads", "1", "--parent-pid", String(getpid()),
        ]
        try process.run()
        return process
    }

    private func reports(_ members: [String], client: HTTP2Client) async throws -> [String: GossipReport] {
        var reports: [String: GossipReport] = [:]
        for member in members {
            let response = try await client.call(
                HTTP2Peer(host: "127.0.0.1", port: port(member)), method: .get, path: "/internal/membership", timeout: .seconds(1)
            )
            guard response.status == .ok else { continue }
            reports[member] = try JSONDecoder().decode(GossipReport.self, from: Data(response.body.readableBytesView))
        }
        return reports
    }

    private func everyone(_ observers: [String], see subject: String, as status: String, client: HTTP2Client) async throws -> Bool {
        let reports = try await reports(observers, client: client)
        return observers.allSatisfy { observer in
            reports[observer]?.members.contains { $0.name == subject && $0.status == status } ?? false
        }
    }

    private func everyoneSees(_ observers: [String], alive: Set<String>, client: HTTP2Client) async throws -> Bool {
        let reports = (try? await self.reports(observers, client: client)) ?? [:]
        return observers.allSatisfy { observer in
            guard let report = reports[observer] else { return false }
            return Set(report.members.filter { $0.status == "alive" }.map(\.name)) == alive
        }
    }

    private func waitUntil(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
