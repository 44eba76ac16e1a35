import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import tailor

/// A real cluster for tests: `tailor node` ×N and `tailor gateway` as child processes
/// on free loopback ports, each logging to its own file. The logs are printed when a
/// test fails (`printLogs()`), never otherwise.
final class ClusterProcess: @unchecked Sendable {
    // @unchecked: the processes are only touched from the test's own task.
    let gatewayURL: URL
    let nodeNames: [String]
    /// Each node's internal HTTP/2 port, by name.
    private(set) var nodePorts: [String: Int] = [:]
    private var processes: [String: Process] = [:]
    /// What each member was started with (``restart(_:)`` starts it again the same way).
    private var launchArguments: [String: [String]] = [:]
    private let logDirectory: URL
    /// `--partitions`, `--replicas` and the rest every member shares.
    private var shared: [String] = []
    /// Variables added to each member's environment, by name.
    private var environment: @Sendable (String) -> [String: String] = { _ in [:] }

    /// Starts the cluster and waits until the gateway is ready. Each node keeps its
    /// store in a folder of its own (`dataDirectory(of:)`), kept across ``restart(_:)``.
    /// `environment(name)` adds variables to member `name`'s environment (settings).
    static func start(
        nodes: Int = 3, demo: Bool = true, replicas: Int = 2, extraNodeArguments: [String] = [], extraGatewayArguments: [String] = [],
        environment: @escaping @Sendable (String) -> [String: String] = { _ in [:] }
    ) async throws -> ClusterProcess {
        let ports = try FreePorts.take(nodes + 1)
        let names = (1...nodes).map { "n\($0)" }
        let members = zip(names, ports).map { "\($0)=127.0.0.1:\($1)" }.joined(separator: ",")
        let cluster = ClusterProcess(gatewayPort: ports[nodes], names: names)
        cluster.environment = environment
        cluster.nodePorts = Dictionary(uniqueKeysWithValues: zip(names, ports))
        let shared = [
            "--members", members, "--partitions", "64", "--replicas", String(replicas), "--log-level", "info", "--parent-pid", String(getpid()),
        ]
        cluster.shared = Array(shared.dropFirst(2))
        let demoAt = String(Int64(Date().timeIntervalSince1970 * 1000))
        for (name, port) in zip(names, ports) {
            var arguments = ["node", "--name", name, "--listen", "127.0.0.1:\(port)", "--data-dir", cluster.dataDirectory(of: name)]
                + shared + extraNodeArguments
            if demo { arguments += ["--demo", "--demo-small", "--demo-at", demoAt] }
            try cluster.launch(name, arguments)
        }
        try cluster.launch("gateway", ["gateway", "--listen", "127.0.0.1:\(ports[nodes])"] + shared + extraGatewayArguments)
        do {
            try await cluster.waitUntilReady(timeout: .seconds(60))
        } catch {
            cluster.printLogs()
            cluster.stop()
            throw error
        }
        return cluster
    }

    private init(gatewayPort: Int, names: [String]) {
        self.gatewayURL = URL(string: "http://127.0.0.1:\(gatewayPort)")!
        self.nodeNames = names
        self.logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-cluster-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
    }

    /// The `tailor` executable SwiftPM built next to this test bundle.
    static var executable: URL {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("tailor")
            if FileManager.default.isExecutableFile(atPath: candidate.path), !candidate.hasDirectoryPath { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return bundle.deletingLastPathComponent().appendingPathComponent("tailor")
    }

    /// The store folder of node `name`.
    func dataDirectory(of name: String) -> String {
        logDirectory.appendingPathComponent("data").appendingPathComponent(name).path
    }

    /// Starts a stopped (killed, terminated) member again with the arguments it had: a
    /// node finds its store and its port again.
    func restart(_ name: String) throws {
        guard let arguments = launchArguments[name] else { throw ClusterError("no member \(name) was started") }
        if let process = processes[name], process.isRunning { throw ClusterError("\(name) is still running") }
        try launch(name, arguments)
    }

    private func launch(_ name: String, _ arguments: [String]) throws {
        launchArguments[name] = arguments
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment(name)) { $1 }
        let log = logDirectory.appendingPathComponent("\(name).log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()  // a restarted member's log follows its first life's
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[name] = process
    }

    private func waitUntilReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for (name, process) in processes where !process.isRunning {
                throw ClusterError("\(name) exited with status \(process.terminationStatus) during start-up")
            }
            if let (status, _) = try? await get("/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterError("the gateway was not ready within \(timeout)")
    }

    /// The `--members` list the cluster started with.
    var membersArgument: String {
        nodeNames.map { "\($0)=127.0.0.1:\(nodePorts[$0]!)" }.joined(separator: ",")
    }

    /// Starts another node that joins the running cluster through `--seeds` (empty: it
    /// is not in `--members`). Returns its internal port.
    func join(_ name: String, extraArguments: [String] = []) throws -> Int {
        let port = try FreePorts.take(1)[0]
        try launch(name, [
            "node", "--name", name, "--listen", "127.0.0.1:\(port)", "--seeds", "127.0.0.1:\(nodePorts[nodeNames[0]]!)",
            "--data-dir", dataDirectory(of: name),
        ] + shared + extraArguments)
        nodePorts[name] = port
        return port
    }

    /// Starts another gateway (it joins through the nodes named at start); returns its public URL.
    func startGateway(_ name: String) async throws -> URL {
        let port = try FreePorts.take(1)[0]
        try launch(name, [
            "gateway", "--name", name, "--listen", "127.0.0.1:\(port)", "--members", membersArgument,
            "--partitions", "64", "--log-level", "info", "--parent-pid", String(getpid()),
        ])
        let url = URL(string: "http://127.0.0.1:\(port)")!
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await send("GET", "/readyz", body: nil, to: url), status == 200 { return url }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterError("gateway \(name) was not ready within 30 s")
    }

    /// `DELETE pathAndQuery` on the first gateway (the query is kept as written).
    func delete(_ pathAndQuery: String) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: gatewayURL.absoluteString + pathAndQuery)!)
        request.httpMethod = "DELETE"
        let (data, response) = try await URLSession.shared.answer(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// `GET path` on another gateway than the first.
    func get(_ path: String, on gateway: URL) async throws -> (Int, Data) {
        try await send("GET", path, body: nil, to: gateway)
    }

    /// Sends SIGTERM to one member (a graceful leave) and waits until it is gone.
    func terminate(_ name: String) {
        guard let process = processes[name] else { return }
        Foundation.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// Sends SIGTERM to one member without waiting (``exitStatus(of:within:)`` waits).
    func signalTerminate(_ name: String) {
        guard let process = processes[name] else { return }
        Foundation.kill(process.processIdentifier, SIGTERM)
    }

    /// The member's exit status once it has exited, nil if it is still running after `timeout`.
    func exitStatus(of name: String, within timeout: Duration) async throws -> Int32? {
        guard let process = processes[name] else { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// SIGSTOP: the member stays connected but answers nothing (a long GC pause, a stuck host).
    func pause(_ name: String) {
        guard let process = processes[name] else { return }
        Foundation.kill(process.processIdentifier, SIGSTOP)
    }

    func resume(_ name: String) {
        guard let process = processes[name] else { return }
        Foundation.kill(process.processIdentifier, SIGCONT)
    }

    /// Sends SIGKILL to one member and waits until it is gone.
    func kill(_ name: String) {
        guard let process = processes[name] else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        for process in processes.values where process.isRunning {
            Foundation.kill(process.processIdentifier, SIGCONT)
            Foundation.kill(process.processIdentifier, SIGTERM)
        }
        for process in processes.values { process.waitUntilExit() }
    }

    func printLogs() {
        for name in processes.keys.sorted() {
            let text = (try? String(contentsOf: logDirectory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
            print("----- \(name) -----\n\(text.suffix(8_000))")
        }
    }

    // MARK: HTTP

    func get(_ path: String) async throws -> (Int, Data) {
        try await send("GET", path, body: nil)
    }

    func post(_ path: String, json: String) async throws -> (Int, Data) {
        try await send("POST", path, body: Data(json.utf8))
    }

    func put(_ path: String, json: String) async throws -> (Int, Data) {
        try await send("PUT", path, body: Data(json.utf8))
    }

    func post<Body: Encodable>(_ path: String, _ body: Body, method: String = "POST") async throws -> (Int, Data) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try await send(method, path, body: try encoder.encode(body))
    }

    private func send(_ method: String, _ path: String, body: Data?, to gateway: URL? = nil) async throws -> (Int, Data) {
        // Joined as text, not appended as a path component: a query stays a query.
        var request = URLRequest(url: URL(string: (gateway ?? gatewayURL).absoluteString + path)!)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        let (data, response) = try await URLSession.shared.answer(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

struct ClusterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Free TCP ports on loopback: bound to port 0, read back, released. Another process
/// could take one in between; on this test machine nothing else hands out ports.
enum FreePorts {
    static func take(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            sockets.append(fd)
            guard let port = bind(fd, port: 0) else { throw ClusterError("could not find a free port") }
            ports.append(port)
        }
        return ports
    }

    /// Whether nothing listens on (or holds) 127.0.0.1:`port` right now.
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return bind(fd, port: port) != nil
    }

    /// Binds `fd` to 127.0.0.1:`port` and returns the port bound (the kernel's
    /// choice for 0); nil when it is taken.
    private static func bind(_ fd: Int32, port: Int) -> Int? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                Glibc.bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
