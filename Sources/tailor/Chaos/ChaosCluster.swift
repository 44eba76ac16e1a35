import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import NIOCore
import TailorGossip
import TailorHTTP2
import TailorRPC
import TailorWire

/// The members of a chaos run: `tailor node` ×N and a gateway, each started inside its
/// own network namespace (``ChaosNetwork``) or on its own loopback address, logging to
/// a file, with its store in a folder that survives its restarts. One spare node
/// (`n<N+1>`) has an address and a namespace for the join scenario.
final class ChaosCluster: @unchecked Sendable {
    // @unchecked: driven from the scenario's one task; processes are only started,
    // signalled and waited for there.
    let executable: String
    let directory: URL
    /// The nodes named at start (`--members`).
    let nodes: [String]
    /// A node that can join later.
    let spare: String
    let network: ChaosNetwork
    /// The nodes that should be up now (the settle check waits for them).
    private(set) var expected: [String]
    private var processes: [String: Process] = [:]
    private var arguments: [String: [String]] = [:]
    /// Members stopped on purpose (kill, terminate); any other exit is a crash.
    private var stoppedOnPurpose: Set<String> = []
    /// Extra environment for nodes (the failpoint).
    var nodeEnvironment: [String: String] = [:]
    let counterClient = HTTP2Client()

    static let nodePort = 7101
    static let gatewayPort = 8080
    static let gatewayInternalPort = 7199
    static let replicas = 3
    static let writeQuorum = 2

    init(executable: String, directory: URL, nodes: Int, isolated: Bool) {
        self.executable = executable
        self.directory = directory
        self.nodes = (1...nodes).map { "n\($0)" }
        spare = "n\(nodes + 1)"
        expected = self.nodes
        network = ChaosNetwork(members: self.nodes + [spare, "gw"], isolated: isolated)
    }

    var gatewayURL: String { "http://\(address(of: "gw")):\(Self.gatewayPort)" }

    private var membersArgument: String {
        nodes.map { "\($0)=\(address(of: $0)):\(Self.nodePort)" }.joined(separator: ",")
    }

    private var shared: [String] {
        ["--members", membersArgument, "--partitions", "32", "--replicas", String(Self.replicas), "--log-level", "notice", "--threads", "1"]
    }

    /// Starts every member and waits until the gateway is ready.
    func start() async throws {
        let demoAt = String(Int64(Date().timeIntervalSince1970 * 1000))
        for node in nodes {
            try launch(node, nodeArguments(node) + ["--demo", "--demo-small", "--demo-at", demoAt])
        }
        let gateway = address(of: "gw")
        try launch("gw", [
            "gateway", "--name", "gw", "--listen", "\(gateway):\(Self.gatewayPort)", "--internal-listen", "\(gateway):\(Self.gatewayInternalPort)",
            "--write-quorum", String(Self.writeQuorum),
        ] + shared)
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await ChaosHTTP.get("\(gatewayURL)/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ChaosError("the gateway was not ready within 90 s")
    }

    private func nodeArguments(_ node: String) -> [String] {
        [
            "node", "--name", node, "--listen", "\(address(of: node)):\(Self.nodePort)",
            "--data-dir", directory.appendingPathComponent("data/\(node)").path, "--anti-entropy-interval", "2s",
        ] + shared
    }

    /// Starts the spare node, empty, joining through the named nodes (`--members` are its seeds).
    func join() throws {
        expected.append(spare)
        try launch(spare, nodeArguments(spare))
    }

    private func launch(_ member: String, _ arguments: [String]) throws {
        self.arguments[member] = arguments
        stoppedOnPurpose.remove(member)
        let process = Process()
        let (tool, command) = network.command(for: member, executable: executable, arguments: arguments)
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = command
        if member != "gw", !nodeEnvironment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(nodeEnvironment) { $1 }
        }
        let log = directory.appendingPathComponent("\(member).log")
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[member] = process
    }

    func kill(_ member: String) {
        guard let process = processes[member], process.isRunning else { return }
        stoppedOnPurpose.insert(member)
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func signal(_ member: String, _ signal: Int32) {
        guard let process = processes[member], process.isRunning else { return }
        Foundation.kill(process.processIdentifier, signal)
    }

    /// SIGTERM (a graceful leave) and waits until the member is gone.
    func terminate(_ member: String) {
        guard let process = processes[member], process.isRunning else { return }
        stoppedOnPurpose.insert(member)
        Foundation.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// SIGTERM, and the member is no longer expected up (it left the cluster).
    func remove(_ member: String) {
        terminate(member)
        expected.removeAll { $0 == member }
    }

    /// Members that ended without being stopped on purpose (crashed or killed by themselves).
    func crashed() -> [String] {
        processes.filter { !$0.value.isRunning && !stoppedOnPurpose.contains($0.key) }.map(\.key).sorted()
    }

    /// Lines of the nodes' logs that contain `text`.
    func logLines(containing text: String) -> [String] {
        (nodes + [spare]).flatMap { node -> [String] in
            let log = directory.appendingPathComponent("\(node).log")
            guard let content = try? String(contentsOf: log, encoding: .utf8) else { return [] }
            return content.split(separator: "\n").filter { $0.contains(text) }.map(String.init)
        }
    }

    /// The address of a member (inside its namespace when isolated).
    func address(of member: String) -> String { network.address(of: member) }

    /// Waits until every expected node is up with every replica complete (at most `timeout`).
    func waitUntilSettled(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await settled() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    func restart(_ member: String) throws {
        guard let arguments = arguments[member] else { throw ChaosError("no member \(member)") }
        try launch(member, arguments)
    }

    /// SIGTERM to every member, then waits for them.
    func stop() async {
        for process in processes.values where process.isRunning {
            Foundation.kill(process.processIdentifier, SIGCONT)
            Foundation.kill(process.processIdentifier, SIGTERM)
        }
        for process in processes.values { process.waitUntilExit() }
        await counterClient.shutdown()
    }

    /// Whether every expected node answers the gateway's status call with no
    /// incomplete replica and holds every partition the gateway's shard map gives it,
    /// and the shard map holds exactly the expected nodes.
    func settled() async -> Bool {
        guard let view = await clusterView(), let members = view["members"] as? [[String: Any]],
            let partitions = view["partitions"] as? [[String: Any]]
        else { return false }
        var assigned: [String: Set<Int>] = [:]
        for entry in partitions {
            guard let partition = entry["partition"] as? Int else { continue }
            for replica in entry["replicas"] as? [String] ?? [] { assigned[replica, default: []].insert(partition) }
        }
        let up = members.filter { member in
            guard let name = member["name"] as? String, (member["state"] as? String) == "up",
                (member["incompletePartitions"] as? [Int])?.isEmpty ?? false, let held = member["heldPartitions"] as? [Int]
            else { return false }
            return assigned[name, default: []].isSubset(of: held)
        }
        return Set(up.compactMap { $0["name"] as? String }) == Set(expected) && members.count == expected.count
    }

    /// The gateway's `GET /v1/cluster`.
    func clusterView() async -> [String: Any]? {
        guard let (status, data) = try? await ChaosHTTP.get("\(gatewayURL)/v1/cluster"), status == 200 else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Each partition's replicas in the gateway's current shard map.
    func replicaSets() async -> [Int: Set<String>] {
        guard let partitions = await clusterView()?["partitions"] as? [[String: Any]] else { return [:] }
        var sets: [Int: Set<String>] = [:]
        for entry in partitions {
            if let partition = entry["partition"] as? Int, let replicas = entry["replicas"] as? [String] { sets[partition] = Set(replicas) }
        }
        return sets
    }

    /// Every running member's popularity reading of `products` (`POST /internal/counters/read`
    /// over HTTP/2 on its internal port), by member; nil for a member that did not answer.
    func counterReadings(_ products: [String]) async -> [String: [String: Double]?] {
        var readings: [String: [String: Double]?] = [:]
        for member in expected + ["gw"] {
            let port = member == "gw" ? Self.gatewayInternalPort : Self.nodePort
            let answer = try? await RPCClient(counterClient).call(
                WireMethods.readCounters, WireText(products.joined(separator: "\n")),
                on: HTTP2Peer(host: address(of: member), port: port), timeout: .seconds(2)
            )
            guard let answer, let list = try? JSONDecoder().decode([CounterReading].self, from: Data(answer.json.utf8))
            else {
                readings[member] = .some(nil)
                continue
            }
            readings[member] = Dictionary(list.map { ($0.product, $0.popularity) }) { a, _ in a }
        }
        return readings
    }
}

/// Small HTTP/1.1 calls with 5 s timeouts (URLSession; the gateway's own write timeout
/// is 2 s, so a write it cannot store answers 503 before the client gives up).
enum ChaosHTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        configuration.httpMaximumConnectionsPerHost = 64
        return URLSession(configuration: configuration)
    }()

    static func get(_ url: String) async throws -> (Int, Data) {
        try await send("GET", url, body: nil)
    }

    static func post(_ url: String, json: String) async throws -> (Int, Data) {
        try await send("POST", url, body: Data(json.utf8))
    }

    static func send(_ method: String, _ url: String, body: Data?) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        let (data, response) = try await session.answer(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
