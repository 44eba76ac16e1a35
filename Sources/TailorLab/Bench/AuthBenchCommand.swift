import ArgumentParser
import Foundation
import NIOPosix
import NIOHTTP1
import TailorClient
import TailorProcess
import TailorGateway
import TailorSettings
import TailorTrust

/// `tailor-lab bench auth`: what keys and signed internal calls cost a recommendation,
/// as CPU time of the cluster's processes per request, against the same build with
/// `--insecure-no-auth` in the same run.
struct AuthBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "CPU per recommendation with keys and a cluster secret, against the same build with --insecure-no-auth.",
        discussion: """
            Starts two clusters of the same build side by side (3 nodes with the demo shop and a \
            gateway each): one with a cluster secret and API keys (the load sends a public key, \
            made through POST /v1/keys), one with --insecure-no-auth on every member (no secret, \
            no keys). Then, round after round, offers the same recommendation load (open loop) to \
            one and then the other (the order alternating), and reads the CPU time the loaded \
            cluster's processes spent per answered request from /proc. Prints each round, the \
            medians and their ratio: the authentication's cost.
            """
    )

    @OptionGroup var load: BenchLoadOptions

    @Option(help: "The first cluster's gateway port; its nodes follow; the second cluster's start 100 higher.")
    var port = 29_080

    @Flag(help: "Only the in-process timing of the authentication work per recommendation (no clusters).")
    var workOnly = false

    func run() async throws {
        if workOnly {
            print("authentication work per recommendation (key hash, lookup, bucket, 3 signed and checked 512-byte node calls): \(String(format: "%.1f", Self.authWorkMicroseconds(nodeCalls: 3, bodyBytes: 512))) µs")
            return
        }
        let executable = Executables.tailor
        let secured = try await AuthBenchCluster.start(secured: true, executable: executable, port: port, small: load.small)
        defer { secured.stop() }
        let open = try await AuthBenchCluster.start(secured: false, executable: executable, port: port + 100, small: load.small)
        defer { open.stop() }
        let publicKey = try await secured.makePublicKey()
        print("\n" + load.header("auth"))
        print("| round | cluster | answered/s | p50 ms | p99 ms | errors | cluster CPU µs per request |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        var perRequest: [Bool: [Double]] = [true: [], false: []]
        // A first, unmeasured load on each: connections, caches and the first answers of
        // a fresh cluster are not what a request costs.
        for cluster in [secured, open] {
            _ = await run(cluster, key: publicKey, round: 0, warmup: .zero, duration: load.warmupDuration * 2)
        }
        for round in 1...load.rounds {
            let order = round % 2 == 1 ? [secured, open] : [open, secured]
            for cluster in order {
                let result = await run(cluster, key: publicKey, round: round, warmup: load.warmupDuration, duration: load.measured)
                let (micros, row) = BenchLoadOptions.perRequest(result)
                perRequest[cluster.secured]!.append(micros)
                print("| \(round) | \(cluster.secured ? "keys + secret" : "--insecure-no-auth") | " + row)
                fflush(nil)
            }
        }
        let keys = Self.median(perRequest[true]!)
        let reference = Self.median(perRequest[false]!)
        print("\nmedian CPU per recommendation: keys + secret \(String(format: "%.0f", keys)) µs, --insecure-no-auth \(String(format: "%.0f", reference)) µs (the reference, same build, same run)")
        print("ratio \(String(format: "%.3f", keys / reference)): authentication costs \(String(format: "%+.1f", (keys / reference - 1) * 100)) % CPU per request (goal ≤ +3 %)")
        // The same cost counted directly: the authentication work one recommendation
        // makes, timed in this process, against the open cluster's CPU per request.
        let work = Self.authWorkMicroseconds(nodeCalls: 3, bodyBytes: 512)
        print(
            "in-process: the key's hash, lookup and bucket plus \(3) signed and checked node calls (512-byte bodies) take "
                + "\(String(format: "%.1f", work)) µs per recommendation = \(String(format: "%.2f", work / reference * 100)) % of the open cluster's CPU per request"
        )
    }

    /// Microseconds of the work authentication adds to one recommendation: the gateway
    /// hashes and looks up the key and takes a token, then signs one scoring call per
    /// node, which each node checks (the median of 5 timings of 20,000 each).
    static func authWorkMicroseconds(nodeCalls: Int, bodyBytes: Int) -> Double {
        let admin = RandomText.hex(bytes: 32)
        let ring = KeyRing(bootstrapAdminKey: admin, rateLimits: .defaults, writer: "bench")
        let key = ring.create(role: .public, name: "bench", origins: ["*"], ratePerSecond: 1e9).key
        let limiter = RateLimiter()
        let sender = ClusterTrust(secret: .random())
        let receivers = (0..<nodeCalls).map { _ in ClusterTrust(secret: sender.secret) }
        let body = RandomText.bytes(bodyBytes)
        var timings: [Double] = []
        for _ in 0..<5 {
            let count = 20_000
            let started = ContinuousClock.now
            for _ in 0..<count {
                guard let caller = ring.caller(key: key), limiter.take(key: caller.keyID, rate: caller.ratePerSecond) == nil else { fatalError("refused") }
                for receiver in receivers {
                    body.withUnsafeBytes { bytes in
                        let signature = sender.signature(method: "POST", path: "/internal/score", body: bytes)
                        precondition(receiver.refusal(method: "POST", path: "/internal/score", header: signature, body: bytes) == nil)
                    }
                }
            }
            timings.append(DurationText.seconds(ContinuousClock.now - started) * 1e6 / Double(count))
        }
        return median(timings)
    }

    /// The bench's recommendation load on `cluster` (its public key when secured).
    private func run(_ cluster: AuthBenchCluster, key: String, round: Int, warmup: Duration, duration: Duration) async -> LoadRun.Result {
        await load.load(
            cluster.address, cpu: cluster.cpu, apiKey: cluster.secured ? key : nil, round: round, eventIDPrefix: "auth", warmup: warmup, duration: duration
        )
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.filter { !$0.isNaN }.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// One of the bench's clusters: members as child processes, their CPU read from /proc.
final class AuthBenchCluster: Sendable {
    let secured: Bool
    let address: GatewayAddress
    let processes: MemberProcesses
    let credentials: ClusterCredentials
    let cpu: ProcessCPU

    private init(secured: Bool, address: GatewayAddress, processes: MemberProcesses, credentials: ClusterCredentials, cpu: ProcessCPU) {
        self.secured = secured
        self.address = address
        self.processes = processes
        self.credentials = credentials
        self.cpu = cpu
    }

    /// `gatewayArguments`: more arguments for its gateway (a setting a bench compares).
    static func start(secured: Bool, executable: String, port: Int, small: Bool, gatewayArguments: [String] = []) async throws -> AuthBenchCluster {
        let credentials = ClusterCredentials.random()
        // Nothing from this shell's TAILOR_* variables: the two clusters differ only in auth.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TAILOR_") }
        if secured { environment.merge(credentials.environment) { $1 } }
        let processes = MemberProcesses(output: .discardOutput, environment: environment)
        let members = (1...3).map { "n\($0)=127.0.0.1:\(port + $0)" }.joined(separator: ",")
        let demoAt = String(Int64(Date().timeIntervalSince1970 * 1000))
        let shared = ["--members", members, "--log-level", "warning", "--parent-pid", String(ProcessControl.currentPID)]
            + (secured ? [] : ["--insecure-no-auth"])
        for index in 1...3 {
            try processes.start("n\(index)", .init(executable: executable, arguments: [
                "node", "--name", "n\(index)", "--listen", "127.0.0.1:\(port + index)", "--demo", "--demo-at", demoAt,
                "--data-dir", FileManager.default.temporaryDirectory.appendingPathComponent("tailor-bench-auth-\(ProcessControl.currentPID)-\(port)-n\(index)").path,
            ] + (small ? ["--demo-small"] : []) + shared))
        }
        try processes.start("gateway", .init(executable: executable, arguments: [
            "gateway", "--listen", "127.0.0.1:\(port)", "--internal-listen", "127.0.0.1:\(port + 10)",
        ] + shared + ClusterCredentials.gatewayArguments + gatewayArguments))
        let address = GatewayAddress(host: "127.0.0.1", port: port)
        let api = PublicAPIClient(gateway: address)
        try await processes.waitUntil(timeout: .seconds(180), what: "the \(secured ? "keyed" : "open") cluster") { await api.isReady() }
        guard let cpu = ProcessCPU(pids: processes.names.compactMap { processes.pid(of: $0) }) else {
            throw BenchError("cannot read the cluster's CPU time from /proc")
        }
        return AuthBenchCluster(secured: secured, address: address, processes: processes, credentials: credentials, cpu: cpu)
    }

    /// A storefront's key, rated high enough not to be what is measured.
    func makePublicKey() async throws -> String {
        let admin = PublicAPIClient(gateway: address).authorized(credentials.adminKey)
        let (status, data) = try await admin.send(
            .POST, "/v1/keys", json: #"{"role":"public","name":"bench storefront","origins":["*"],"ratePerSecond":100000}"#
        )
        guard status == 201, let made = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let key = made["key"] as? String else {
            throw BenchError("POST /v1/keys answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return key
    }

    func stop() {
        for name in processes.names { processes.signalAndWait(name, .terminate) }
        for index in 1...3 {
            try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent(
                "tailor-bench-auth-\(ProcessControl.currentPID)-\(address.port)-n\(index)").path)
        }
    }
}
