import Foundation
import Synchronization
import NIOHTTP1
import TailorClient
import TailorProcess

/// A real cluster for tests: `tailor node` ×N and `tailor gateway` as child processes
/// (``MemberProcesses``) on free loopback ports, each logging to its own file, and the
/// public-API client (``PublicAPIClient``) to talk to it. The logs are printed when a
/// test fails (``printLogs()``) or the cluster does not start, never otherwise;
/// ``stop()`` ends every member (and the members end themselves if the test process
/// dies: `--parent-pid`).
package final class TestCluster: Sendable {
    package let gatewayURL: URL
    package let nodeNames: [String]
    /// The client of the first gateway, sending the admin key.
    package let client: PublicAPIClient
    /// The cluster's secret and bootstrap admin key (fresh per cluster).
    package let credentials: ClusterCredentials
    /// The members' processes.
    package let members: MemberProcesses
    private let ports: Mutex<[String: Int]>
    private let directory: URL
    /// `--partitions`, `--replicas` and the rest every member shares.
    private let shared: [String]
    /// Variables added to each member's environment, by name.
    private let environment: @Sendable (String) -> [String: String]

    /// Each node's internal HTTP/2 port, by name.
    package var nodePorts: [String: Int] { ports.withLock { $0 } }

    /// Starts the cluster and waits until the gateway is ready. Each node keeps its
    /// store in a folder of its own (``dataDirectory(of:)``), kept across ``restart(_:)``.
    /// `environment(name)` adds variables to member `name`'s environment (settings).
    package static func start(
        nodes: Int = 3, demo: Bool = true, replicas: Int = 2, extraNodeArguments: [String] = [], extraGatewayArguments: [String] = [],
        environment: @escaping @Sendable (String) -> [String: String] = { _ in [:] }
    ) async throws -> TestCluster {
        let freePorts = try FreePorts.take(nodes + 1)
        let names = (1...nodes).map { "n\($0)" }
        let members = zip(names, freePorts).map { "\($0)=127.0.0.1:\($1)" }.joined(separator: ",")
        let shared = [
            "--partitions", "64", "--replicas", String(replicas), "--log-level", "info", "--parent-pid", String(ProcessControl.currentPID),
        ]
        let cluster = TestCluster(
            gatewayPort: freePorts[nodes], names: names, ports: Dictionary(uniqueKeysWithValues: zip(names, freePorts)),
            shared: shared, environment: environment
        )
        let demoAt = String(Int64(Date().timeIntervalSince1970 * 1000))
        do {
            for (name, port) in zip(names, freePorts) {
                var arguments = ["node", "--name", name, "--listen", "127.0.0.1:\(port)", "--data-dir", cluster.dataDirectory(of: name)]
                    + ["--members", members] + shared + extraNodeArguments
                if demo { arguments += ["--demo", "--demo-small", "--demo-at", demoAt] }
                try cluster.launch(name, arguments)
            }
            try cluster.launch(
                "gateway",
                ["gateway", "--listen", "127.0.0.1:\(freePorts[nodes])", "--members", members] + shared + ClusterCredentials.gatewayArguments
                    + extraGatewayArguments
            )
            try await cluster.members.waitUntil(timeout: .seconds(60), what: "the gateway") { await cluster.client.isReady() }
        } catch {
            cluster.printLogs()
            cluster.stop()
            throw error
        }
        return cluster
    }

    private init(
        gatewayPort: Int, names: [String], ports: [String: Int], shared: [String], environment: @escaping @Sendable (String) -> [String: String]
    ) {
        gatewayURL = URL(string: "http://127.0.0.1:\(gatewayPort)")!
        let credentials = ClusterCredentials.random()
        self.credentials = credentials
        var client = PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: gatewayPort))
        client.timeout = .seconds(10)
        self.client = client.authorized(credentials.adminKey)
        nodeNames = names
        self.ports = Mutex(ports)
        self.shared = shared
        self.environment = environment
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-cluster-\(UUID().uuidString)")
        members = MemberProcesses(output: .logFiles(in: directory))
    }

    /// The `tailor` executable SwiftPM built next to this test bundle.
    package static var executable: URL { URL(fileURLWithPath: Executables.tailor) }

    /// The `tailor-lab` executable (the tools) SwiftPM built next to this test bundle.
    package static var labExecutable: URL { URL(fileURLWithPath: Executables.find("tailor-lab")) }

    /// The store folder of node `name`.
    package func dataDirectory(of name: String) -> String {
        directory.appendingPathComponent("data").appendingPathComponent(name).path
    }

    /// Starts a stopped (killed, terminated) member again with the arguments it had: a
    /// node finds its store and its port again.
    package func restart(_ name: String) throws {
        if members.isRunning(name) { throw LaunchError("\(name) is still running") }
        try members.restart(name)
    }

    private func launch(_ name: String, _ arguments: [String]) throws {
        let variables = credentials.environment.merging(environment(name)) { $1 }
        try members.start(name, .init(executable: Executables.tailor, arguments: arguments, environment: variables))
    }

    /// The `--members` list of the nodes started so far.
    package var membersArgument: String {
        let ports = nodePorts
        return nodeNames.map { "\($0)=127.0.0.1:\(ports[$0]!)" }.joined(separator: ",")
    }

    /// Starts another node that joins the running cluster through `--seeds` (empty: it
    /// is not in `--members`). Returns its internal port.
    package func join(_ name: String, extraArguments: [String] = []) throws -> Int {
        let port = try FreePorts.take(1)[0]
        try launch(name, [
            "node", "--name", name, "--listen", "127.0.0.1:\(port)", "--seeds", "127.0.0.1:\(nodePorts[nodeNames[0]]!)",
            "--data-dir", dataDirectory(of: name),
        ] + shared + extraArguments)
        ports.withLock { $0[name] = port }
        return port
    }

    /// Starts another gateway (it joins through the nodes named at start); returns its public URL.
    package func startGateway(_ name: String) async throws -> URL {
        let port = try FreePorts.take(1)[0]
        try launch(name, ["gateway", "--name", name, "--listen", "127.0.0.1:\(port)", "--members", membersArgument] + shared + ClusterCredentials.gatewayArguments)
        let client = PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: port))
        try await members.waitUntil(timeout: .seconds(30), watching: [name], what: "gateway \(name)") { await client.isReady() }
        return URL(string: "http://127.0.0.1:\(port)")!
    }

    // MARK: Faults

    /// Sends SIGTERM to one member (a graceful leave) and waits until it is gone.
    package func terminate(_ name: String) { members.signalAndWait(name, .terminate) }

    /// Sends SIGTERM to one member without waiting (``exitStatus(of:within:)`` waits).
    package func signalTerminate(_ name: String) { members.signal(name, .terminate) }

    /// The member's exit status once it has exited, nil if it is still running after `timeout`.
    package func exitStatus(of name: String, within timeout: Duration) async throws -> Int32? {
        await members.exitStatus(of: name, within: timeout)
    }

    /// SIGSTOP: the member stays connected but answers nothing (a long GC pause, a stuck host).
    package func pause(_ name: String) { members.signal(name, .pause) }

    package func resume(_ name: String) { members.signal(name, .resume) }

    /// Sends SIGKILL to one member and waits until it is gone.
    package func kill(_ name: String) { members.signalAndWait(name, .kill) }

    /// Stops every member and waits until they are gone.
    package func stop() {
        for name in members.names {
            members.signal(name, .resume)
            members.signal(name, .terminate)
        }
        for name in members.names { members.signalAndWait(name, .terminate) }
    }

    /// Member `name`'s log so far.
    package func log(of name: String) -> String {
        guard let file = members.logFile(of: name) else { return "" }
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }

    /// A client of the first gateway that sends `key` (nil: no `Authorization` at all).
    package func client(key: String?) -> PublicAPIClient { client.authorized(key) }

    /// Prints every member's log (the last 8,000 characters of each): for a failed test.
    package func printLogs() {
        print(members.logs())
    }

    // MARK: HTTP on the public API

    package func get(_ path: String) async throws -> (Int, Data) {
        let answer = try await client.get(path)
        return (answer.status, answer.body)
    }

    /// `GET path` on another gateway than the first.
    package func get(_ path: String, on gateway: URL) async throws -> (Int, Data) {
        guard let other = PublicAPIClient(gateway: gateway.absoluteString)?.authorized(credentials.adminKey) else {
            throw LaunchError("not a gateway URL: \(gateway)")
        }
        let answer = try await other.get(path)
        return (answer.status, answer.body)
    }

    /// `DELETE pathAndQuery` on the first gateway (the query is kept as written).
    package func delete(_ pathAndQuery: String) async throws -> (Int, Data) {
        let answer = try await client.send(.DELETE, pathAndQuery)
        return (answer.status, answer.body)
    }

    package func post(_ path: String, json: String) async throws -> (Int, Data) {
        let answer = try await client.send(.POST, path, json: json)
        return (answer.status, answer.body)
    }

    package func put(_ path: String, json: String) async throws -> (Int, Data) {
        let answer = try await client.send(.PUT, path, json: json)
        return (answer.status, answer.body)
    }

    package func post<Body: Encodable>(_ path: String, _ body: Body, method: String = "POST") async throws -> (Int, Data) {
        let answer = try await client.send(HTTPMethod(rawValue: method), path, body)
        return (answer.status, answer.body)
    }
}
