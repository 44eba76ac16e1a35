import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The members of a chaos run: `tailor node` ×N and a gateway, each started inside its
/// own network namespace (``ChaosNetwork``), logging to a file, with its store in a
/// folder that survives its restarts.
final class ChaosCluster: @unchecked Sendable {
    // @unchecked: driven from the scenario's one task; processes are only started,
    // signalled and waited for there.
    let executable: String
    let directory: URL
    let nodes: [String]
    let network: ChaosNetwork
    private var processes: [String: Process] = [:]
    private var arguments: [String: [String]] = [:]

    static let nodePort = 7101
    static let gatewayPort = 8080

    init(executable: String, directory: URL, nodes: Int) {
        self.executable = executable
        self.directory = directory
        self.nodes = (1...nodes).map { "n\($0)" }
        network = ChaosNetwork(members: self.nodes + ["gw"])
    }

    var gatewayURL: String { "http://\(ChaosNetwork.address(nodes.count)):\(Self.gatewayPort)" }

    private var membersArgument: String {
        nodes.enumerated().map { "\($1)=\(ChaosNetwork.address($0)):\(Self.nodePort)" }.joined(separator: ",")
    }

    /// Starts every member and waits until the gateway is ready.
    func start() async throws {
        let demoAt = String(Int64(Date().timeIntervalSince1970 * 1000))
        let shared = ["--members", membersArgument, "--partitions", "32", "--replicas", "2", "--log-level", "notice", "--threads", "1"]
        for (index, node) in nodes.enumerated() {
            try launch(node, [
                "node", "--name", node, "--listen", "\(ChaosNetwork.address(index)):\(Self.nodePort)",
                "--data-dir", directory.appendingPathComponent("data/\(node)").path, "--anti-entropy-interval", "2s",
                "--demo", "--demo-small", "--demo-at", demoAt,
            ] + shared)
        }
        let gateway = ChaosNetwork.address(nodes.count)
        try launch("gw", [
            "gateway", "--name", "gw", "--listen", "\(gateway):\(Self.gatewayPort)", "--internal-listen", "\(gateway):7199",
        ] + shared)
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await ChaosHTTP.get("\(gatewayURL)/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ChaosError("the gateway was not ready within 90 s")
    }

    private func launch(_ member: String, _ arguments: [String]) throws {
        self.arguments[member] = arguments
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ChaosNetwork.ip)
        process.arguments = ["netns", "exec", ChaosNetwork.namespace(member), executable] + arguments
        let log = directory.appendingPathComponent("\(member).log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[member] = process
    }

    func kill(_ member: String) {
        guard let process = processes[member], process.isRunning else { return }
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
        Foundation.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// The address of a member inside its namespace.
    func address(of member: String) -> String {
        member == "gw" ? ChaosNetwork.address(nodes.count) : ChaosNetwork.address(nodes.firstIndex(of: member) ?? 0)
    }

    /// Waits until every node is up with every replica complete (at most `timeout`).
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
    func stop() {
        for process in processes.values where process.isRunning {
            Foundation.kill(process.processIdentifier, SIGCONT)
            Foundation.kill(process.processIdentifier, SIGTERM)
        }
        for process in processes.values { process.waitUntilExit() }
    }

    /// Whether every node answers the gateway's status call and has no incomplete replica.
    func settled() async -> Bool {
        guard let (status, data) = try? await ChaosHTTP.get("\(gatewayURL)/v1/cluster"), status == 200,
            let view = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let members = view["members"] as? [[String: Any]]
        else { return false }
        let up = members.filter { ($0["state"] as? String) == "up" && (($0["incompletePartitions"] as? [Int])?.isEmpty ?? false) }
        return up.count == nodes.count
    }
}

/// Small HTTP/1.1 calls with short timeouts (URLSession): the load and the checker.
enum ChaosHTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 2
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
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
