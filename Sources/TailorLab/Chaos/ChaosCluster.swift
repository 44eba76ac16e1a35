import Foundation
import HTTPTypes
import NIOCore
import Synchronization
import TailorClient
import TailorGossip
import TailorHTTP2
import TailorProcess
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
    /// The members' processes, each logging to `directory/<member>.log`.
    let processes: MemberProcesses
    /// The gateway's public API (5 s per request: the gateway's own write timeout is
    /// 2 s, so a write it cannot store answers 503 before the client gives up).
    let api: PublicAPIClient
    /// Members stopped on purpose (kill, terminate); any other exit is a crash.
    private var stoppedOnPurpose: Set<String> = []
    /// Extra environment for nodes (the failpoint).
    var nodeEnvironment: [String: String] = [:]
    let counterClient = HTTP2Client()
    /// The cluster's secret and admin key (fresh per run): members get them from the
    /// environment, the checker signs its calls and the load sends the key.
    let credentials = ClusterCredentials.random()

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
        processes = MemberProcesses(output: .logFiles(in: directory))
        var api = PublicAPIClient(gateway: GatewayAddress(host: network.address(of: "gw"), port: Self.gatewayPort))
        api.timeout = .seconds(5)
        self.api = api.authorized(credentials.adminKey)
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
        ] + shared + ClusterCredentials.gatewayArguments)
        do {
            try await processes.waitUntil(timeout: .seconds(90), interval: .milliseconds(200), what: "the gateway") { await api.isReady() }
        } catch {
            throw ChaosError("\(error)")
        }
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
        stoppedOnPurpose.remove(member)
        let environment = credentials.environment.merging(member != "gw" ? nodeEnvironment : [:]) { $1 }
        try processes.start(member, .init(executable: executable, arguments: arguments, wrapper: network.wrapper(for: member), environment: environment))
    }

    func kill(_ member: String) {
        guard processes.isRunning(member) else { return }
        stoppedOnPurpose.insert(member)
        processes.signalAndWait(member, .kill)
    }

    func signal(_ member: String, _ signal: ProcessControl.Signal) {
        processes.signal(member, signal)
    }

    /// SIGTERM (a graceful leave) and waits until the member is gone.
    func terminate(_ member: String) {
        guard processes.isRunning(member) else { return }
        stoppedOnPurpose.insert(member)
        processes.signalAndWait(member, .terminate)
    }

    /// SIGTERM, and the member is no longer expected up (it left the cluster).
    func remove(_ member: String) {
        terminate(member)
        expected.removeAll { $0 == member }
    }

    /// Members that ended without being stopped on purpose (crashed or killed by themselves).
    func crashed() -> [String] {
        processes.exited().map(\.name).filter { !stoppedOnPurpose.contains($0) }.sorted()
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
        guard processes.launch(of: member) != nil else { throw ChaosError("no member \(member)") }
        stoppedOnPurpose.remove(member)
        try processes.restart(member)
    }

    /// SIGTERM to every member, then waits for them.
    func stop() async {
        await processes.stopAll(grace: .seconds(3600))
        await counterClient.shutdown()
    }

    /// Whether every expected node answers the gateway's status call with no
    /// incomplete replica and holds every partition the gateway's shard map gives it,
    /// and the shard map holds exactly the expected nodes.
    func settled() async -> Bool {
        guard let view = await clusterStatus(), let members = view["members"] as? [[String: Any]],
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
    func clusterStatus() async -> [String: Any]? {
        guard let (status, data) = try? await api.get("/v1/cluster"), status == 200 else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Each partition's replicas in the gateway's current shard map.
    func replicaSets() async -> [Int: Set<String>] {
        guard let partitions = await clusterStatus()?["partitions"] as? [[String: Any]] else { return [:] }
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
            let answer = try? await RPCClient(counterClient, trust: credentials.trust).call(
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
