import Foundation
import NIOHTTP1
import TailorClient
import TailorProcess
import HTTPTypes
import NIOCore
import TailorGossip
import TailorHTTP2
import TailorRPC
import TailorSettings
import TailorWire

/// One cluster size of ``MembershipBenchCommand``.
struct MembershipBench {
    /// The members' secret and admin key, fresh per run.
    let credentials = ClusterCredentials.random()
    let executable: String
    let size: Int
    let firstPort: Int
    let trials: Int
    let quietSeconds: Int
    /// Distinct products given counters before the quiet window (0: none).
    let counterProducts: Int

    struct Result {
        var detections: [Double] = []
        var bytesPerSecond: [Double] = []
        /// Seconds from an accepted event batch to every member reading the same counter.
        var convergence: [Double] = []
        /// Seconds from the last of the many products' batches to every member holding
        /// the same counters (the same digest); nil when they did not within 300 s.
        var tableSpread: Double?
    }

    private var gatewayPort: Int { firstPort + size }
    private var gatewayInternalPort: Int { firstPort + size + 1 }

    private var names: [String] { (1...size).map { "m\($0)" } }
    private func port(_ name: String) -> Int { name == "gateway" ? firstPort + size + 1 : firstPort + Int(name.dropFirst())! - 1 }
    private var membersArgument: String { names.map { "\($0)=127.0.0.1:\(port($0))" }.joined(separator: ",") }

    func measure() async throws -> Result {
        let client = HTTP2Client()
        defer { Task { await client.shutdown() } }
        let processes = MemberProcesses(output: .inherit, environment: ProcessInfo.processInfo.environment.merging(credentials.environment) { $1 })
        defer { for name in processes.names { processes.signalAndWait(name, .kill) } }
        for name in names { try start(name, in: processes) }
        try startGateway(in: processes)
        var result = Result()
        guard try await waitUntil(seconds: 30, { try await everyoneSees(names, alive: Set(names + ["gateway"]), client: client) }) else {
            throw BenchError("the \(size) members did not all see each other alive within 30 s")
        }
        // Counter convergence: an event batch through the gateway, then every member polled.
        for trial in 0..<trials {
            let product = "bench-\(size)-\(trial)"
            let sent = ContinuousClock.now
            try await postEvents((0..<5).map { (product, "bench-\(size)-\(trial)-\($0)") })
            guard try await waitUntil(seconds: 20, { try await everyoneCounts(product, atLeast: 5, client: client) }) else {
                throw BenchError("the counters of \(product) did not converge within 20 s")
            }
            let took = ContinuousClock.now - sent
            result.convergence.append(DurationText.seconds(took))
        }
        // Counters for many products, so that the digest exchange has a table to compare.
        var posted = 0
        while posted < counterProducts {
            let batch = min(500, counterProducts - posted)
            try await postEvents((posted..<(posted + batch)).map { ("catalog-\($0)", "catalog-\($0)") })
            posted += batch
        }
        // Gossip traffic over a quiet window, once the counting above has spread to
        // every member (the same counter digest everywhere).
        let postedAt = ContinuousClock.now
        if try await waitUntil(seconds: 300, { try await everyoneHoldsTheSameCounters(client: client) }) {
            let took = ContinuousClock.now - postedAt
            result.tableSpread = DurationText.seconds(took)
        }
        // The last deltas and their relays are still being sent when the digests first agree.
        try await Task.sleep(for: .seconds(5))
        let before = try await reports(names + ["gateway"], client: client)
        try await Task.sleep(for: .seconds(quietSeconds))
        let after = try await reports(names + ["gateway"], client: client)
        for name in names + ["gateway"] {
            guard let first = before[name], let last = after[name] else { continue }
            result.bytesPerSecond.append(Double(last.bytesSent - first.bytesSent) / (last.uptimeSeconds - first.uptimeSeconds))
        }
        for trial in 0..<trials {
            let victim = names[1 + trial % (size - 1)]
            let survivors = names.filter { $0 != victim } + ["gateway"]
            let killedAt = ContinuousClock.now
            processes.signalAndWait(victim, .kill)
            guard try await waitUntil(seconds: 20, { try await everyone(survivors, see: victim, as: "dead", client: client) }) else {
                throw BenchError("not every survivor marked \(victim) dead within 20 s")
            }
            let took = ContinuousClock.now - killedAt
            result.detections.append(DurationText.seconds(took))
            try processes.restart(victim)
            guard try await waitUntil(seconds: 30, { try await everyoneSees(names, alive: Set(names + ["gateway"]), client: client) }) else {
                throw BenchError("\(victim) restarted but not everyone saw it alive within 30 s")
            }
        }
        await processes.stopAll(grace: .seconds(3600))
        return result
    }

    private func start(_ name: String, in processes: MemberProcesses) throws {
        try processes.start(name, .init(executable: executable, arguments: [
            "node", "--name", name, "--listen", "127.0.0.1:\(port(name))", "--members", membersArgument,
            "--partitions", "8", "--log-level", "warning", "--threads", "1", "--parent-pid", String(ProcessControl.currentPID),
            "--data-dir", dataRoot.appendingPathComponent(name).path,
        ]))
    }

    /// Where the nodes keep their stores during the run (removed by the command).
    var dataRoot: URL { FileManager.default.temporaryDirectory.appendingPathComponent("tailor-bench-membership-\(ProcessControl.currentPID)") }

    private func startGateway(in processes: MemberProcesses) throws {
        try processes.start("gateway", .init(executable: executable, arguments: [
            "gateway", "--listen", "127.0.0.1:\(gatewayPort)", "--internal-listen", "127.0.0.1:\(gatewayInternalPort)",
            "--members", membersArgument, "--partitions", "8", "--log-level", "warning", "--threads", "1", "--parent-pid", String(ProcessControl.currentPID),
        ] + ClusterCredentials.gatewayArguments))
    }

    /// Views of `(product, event id)` through the gateway's public API.
    private func postEvents(_ events: [(product: String, id: String)]) async throws {
        let body = events.map { #"{"id":"\#($0.id)","type":"view","user":"bench","session":"bench","product":"\#($0.product)"}"# }
        let api = PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: gatewayPort)).authorized(credentials.adminKey)
        let (status, _) = try await api.send(.POST, "/v1/events", json: #"{"events":[\#(body.joined(separator: ","))]}"#)
        guard status == 200 else { throw BenchError("the gateway refused an event batch") }
    }

    /// Whether every node and the gateway read at least `minimum` for `product`.
    private func everyoneCounts(_ product: String, atLeast minimum: Double, client: HTTP2Client) async throws -> Bool {
        let ports = names.map(port) + [gatewayInternalPort]
        for port in ports {
            let answer = try await RPCClient(client, trust: credentials.trust).call(
                WireMethods.readCounters, WireText(product), on: HTTP2Peer(host: "127.0.0.1", port: port), timeout: .seconds(1)
            )
            let readings = try JSONDecoder().decode([CounterReading].self, from: Data(answer.json.utf8))
            guard let reading = readings.first, reading.popularity >= minimum * 0.999 else { return false }
        }
        return true
    }

    private func reports(_ members: [String], client: HTTP2Client) async throws -> [String: GossipReport] {
        var reports: [String: GossipReport] = [:]
        for member in members {
            let answer: WireJSONText
            do {
                answer = try await RPCClient(client, trust: credentials.trust).call(
                    WireMethods.membership, WireEmpty(), on: HTTP2Peer(host: "127.0.0.1", port: port(member)), timeout: .seconds(1)
                )
            } catch let error as RPCError where error.code == .unexpectedStatus { continue }
            reports[member] = try JSONDecoder().decode(GossipReport.self, from: Data(answer.json.utf8))
        }
        return reports
    }

    private func everyoneHoldsTheSameCounters(client: HTTP2Client) async throws -> Bool {
        let reports = try await reports(names + ["gateway"], client: client)
        return reports.count == size + 1 && Set(reports.values.map(\.counterDigest)).count == 1
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
