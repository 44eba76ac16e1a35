import ArgumentParser
import Foundation
import NIOHTTP1
import TailorSettings
import TailorProcess
import TailorClient
import TailorModel
import ServiceLifecycle
import UnixSignals
import Synchronization
import TailorGateway
import TailorTrust
import TailorDemo

/// `tailor local`: a whole cluster on this machine, in one command.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Start a local cluster (N nodes and a gateway as child processes) with the built-in demo shop.",
        discussion: "Stops every process it started on Ctrl-C or SIGTERM; the children also stop by themselves if this launcher dies."
    )

    @Option(help: "How many nodes to start.")
    var nodes = 3

    @Option(help: "The gateway's public port.")
    var port = 8080

    @Option(help: "The first node's internal HTTP/2 port; the other nodes, then the gateway's internal (gossip) port, follow it.")
    var nodePort = 7101

    @Option(help: "The loopback address everything listens on.")
    var host = "127.0.0.1"

    @Flag(help: "Start with an empty shop instead of the built-in demo.")
    var noDemo = false

    @Flag(help: ArgumentHelp("Use the small demo shop, for tests.", visibility: .hidden))
    var demoSmall = false

    @Option(help: "Shoppers in the demo shop (default 50,000).")
    var demoShoppers: Int?

    @Option(help: "Products in the demo shop (default 20,000).")
    var demoProducts: Int?

    @Option(help: "P: partitions in the cluster.")
    var partitions = 32

    @Option(help: "R: replicas of each partition.")
    var replicas = 2

    @Option(help: "W: replicas that must have stored an event before it is acknowledged (default: min(2, R)).")
    var writeQuorum: Int?

    @Option(help: "The gateway's default consent to personalisation: assumed or required (see `tailor gateway --help`).")
    var consent: ConsentPolicy = .assumed

    @Option(help: "Keep each node's store in DIR/<node> (kept between runs: a restart loads it). Default: a temporary folder removed at exit.")
    var dataDir: String?

    @Option(help: "Store durability of the nodes: process (survives a killed process) or power (fsync every commit).")
    var durability = "process"

    @Option(help: "How often nodes compare digests with the other replicas (anti-entropy), e.g. 10s or 500ms.")
    var antiEntropyInterval: String?

    @Option(help: "Log level of the children.")
    var logLevel = "notice"

    @Option(help: "Where Swift concurrency runs in the children: event-loops or dispatch (see `tailor node --help`).")
    var executor: ConcurrencyExecutor = .eventLoops

    @Option(help: "Event-loop threads of each node (default: one per core).")
    var nodeThreads: Int?

    @Option(help: "Event-loop threads of the gateway (default: the machine's cores shared by the cluster's processes, at least one: one on a machine with fewer cores than processes).")
    var gatewayThreads: Int?

    /// The gateway's event loops unless `--gateway-threads` says: its share of the cores
    /// the processes of this cluster share. Fewer loops mean fewer threads woken per
    /// request; on two cores one loop cost the gateway 4–16 % less CPU per request than
    /// two (docs/performance.md).
    var gatewayLoops: Int {
        gatewayThreads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / (nodes + 1))
    }

    @Flag(help: "No gateway process: every node also serves the public API (`tailor node --public-listen`), node i at --port + i - 1, calling its own partitions without a socket.")
    var apiOnNodes = false

    @Option(help: "Require API keys, with this file's bootstrap admin key (at least 32 characters); a public and a private key are then made and printed. Without it the public API is open (development), with a warning.")
    var adminKeyFile: String?

    @Option(help: "The demo storefront's port: the demo shop's website, personalised by tailor.js (default: --port + 100).")
    var storefrontPort: Int?

    @Flag(help: "Do not serve the demo storefront.")
    var noStorefront = false

    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        guard (1...32).contains(nodes) else { throw ValidationError("--nodes must be between 1 and 32") }
        let counts = ClusterOptions.threadCounts
        for threads in [nodeThreads, gatewayThreads].compactMap(\.self) where !counts.contains(threads) {
            throw ValidationError("--node-threads and --gateway-threads must be between \(counts.lowerBound) and \(counts.upperBound)")
        }
        guard (1...65_535).contains(port), (1...65_000).contains(nodePort) else { throw ValidationError("ports must be between 1 and 65535") }
        if let storefrontPort, !(1...65_535).contains(storefrontPort) { throw ValidationError("--storefront-port must be between 1 and 65535") }
        if apiOnNodes, port + nodes - 1 > 65_535 { throw ValidationError("--port + --nodes - 1 must be at most 65535 with --api-on-nodes") }
        try NodeCommand.validateDemoSizes(shoppers: demoShoppers, products: demoProducts)
        guard ["process", "power"].contains(durability) else { throw ValidationError("--durability must be process or power") }
        if let antiEntropyInterval, DurationText.parse(antiEntropyInterval) == nil {
            throw ValidationError("--anti-entropy-interval: '\(antiEntropyInterval)' is not a duration (10s, 500ms)")
        }
        if let writeQuorum, !(1...replicas).contains(writeQuorum) {
            throw ValidationError("--write-quorum must be between 1 and --replicas (\(replicas))")
        }
        if adminKeyFile != nil { _ = try adminKey() }
    }

    /// The demo shop the nodes are seeded with, and the storefront shows.
    var demoShop: DemoShop.Configuration {
        var shop = demoSmall ? DemoShop.Configuration.small : .standard
        if let demoShoppers { shop.shopperCount = demoShoppers }
        if let demoProducts { shop.productCount = demoProducts }
        return shop
    }

    /// The demo storefront, unless `--no-storefront` or `--no-demo` (an empty shop has nothing to show).
    private func makeStorefront() -> DemoStorefront? {
        guard !noDemo, !noStorefront else { return nil }
        let storefrontPort = storefrontPort ?? (port + 100 <= 65_535 ? port + 100 : port - 100)
        return DemoStorefront(shop: DemoShop(configuration: demoShop), host: host, port: storefrontPort, api: GatewayAddress(host: host, port: port))
    }

    /// The admin key in `--admin-key-file`, checked as the gateway will.
    private func adminKey() throws -> String? {
        guard let adminKeyFile else { return nil }
        return try TrustOptions.adminKey(file: adminKeyFile)
    }

    func run() async throws {
        let executable = Executables.current.path
        let members = (0..<nodes).map { "n\($0 + 1)=\(host):\(nodePort + $0)" }.joined(separator: ",")
        let shared = [
            "--members", members, "--partitions", String(partitions), "--replicas", String(replicas),
            "--log-level", logLevel, "--parent-pid", String(ProcessControl.currentPID), "--executor", executor.rawValue,
        ]
        let demoAt = String(DemoClock.defaultEnd())
        let temporaryData = dataDir == nil
        let dataRoot = dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("tailor-local-\(ProcessControl.currentPID)").path
        defer { if temporaryData { try? FileManager.default.removeItem(atPath: dataRoot) } }
        // The children get every flag they are meant to have; a `TAILOR_LISTEN` meant for
        // one process must not reach all of them, so the settings' variables are left out.
        // One cluster secret per run, for the children only: their internal ports refuse
        // any other process even in this development mode.
        var environment = SettingsCatalog.tailor.environmentWithoutSettings()
        environment[TrustOptions.secretVariable] = ClusterSecret.random().text
        environment[TrustOptions.adminKeyVariable] = nil
        let children = MemberProcesses(output: .inherit, environment: environment)
        let adminKey = try adminKey()
        if adminKey == nil {
            say("tailor local: WARNING: the public API is open (no keys): anyone who reaches port \(port) may read and erase shoppers' data. Give --admin-key-file to require keys.")
        }
        let started = ContinuousClock.now
        say("tailor local: starting \(nodes) node(s)\(apiOnNodes ? ", each serving the public API," : " and a gateway")\(noDemo ? "" : " with the demo shop")…")
        let publicAPI = Self.flag("--write-quorum", writeQuorum.map(String.init))
            + (adminKeyFile.map { ["--admin-key-file", $0] } ?? ["--insecure-no-auth"]) + ["--consent", consent.rawValue]
            // A development cluster traces every answer, so any recommendation the demo
            // storefront shows can be looked into from the console (docs/trace.md).
            + ["--trace-sample", "1"]
        for index in 0..<nodes {
            var arguments = ["node", "--name", "n\(index + 1)", "--listen", "\(host):\(nodePort + index)"] + shared + Self.threadArguments(nodeThreads)
            arguments += ["--data-dir", (dataRoot as NSString).appendingPathComponent("n\(index + 1)")]
            if let antiEntropyInterval { arguments += ["--anti-entropy-interval", antiEntropyInterval] }
            if apiOnNodes { arguments += ["--public-listen", "\(host):\(port + index)"] + publicAPI }
            arguments += ["--durability", durability]
            if !noDemo {
                arguments += ["--demo", "--demo-at", demoAt] + (demoSmall ? ["--demo-small"] : [])
                if let demoShoppers { arguments += ["--demo-shoppers", String(demoShoppers)] }
                if let demoProducts { arguments += ["--demo-products", String(demoProducts)] }
            }
            try children.start("n\(index + 1)", .init(executable: executable, arguments: arguments))
        }
        if !apiOnNodes {
            try children.start(
                "gateway",
                .init(executable: executable, arguments: ["gateway", "--listen", "\(host):\(port)", "--internal-listen", "\(host):\(nodePort + nodes)"]
                    + shared + Self.threadArguments(gatewayLoops) + publicAPI)
            )
        }

        let storefront = makeStorefront()
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                for await signal in signals { return .signal("\(signal)") }
                return .signal("end of signals")
            }
            group.addTask { [children] in
                await waitUntilReady(children: children, started: started, adminKey: adminKey, storefront: storefront)
            }
            if let storefront {
                group.addTask {
                    await storefront.run()
                    return .ready
                }
            }
            var outcome = await group.next()!
            if case .ready = outcome {
                outcome = await group.next()!
            }
            group.cancelAll()
            return outcome
        }
        switch outcome {
        case .signal(let name): say("\ntailor local: \(name) received, stopping the cluster…")
        case .failed(let message): say("tailor local: \(message); stopping the cluster…")
        case .ready: break
        }
        await children.stopAll(grace: .seconds(15)) { name in say("tailor local: \(name) did not stop in time; killing it") }
        say("tailor local: stopped.")
        if case .failed = outcome { throw ExitCode.failure }
    }

    /// `--threads N` for a child, or nothing (the child's default).
    private static func threadArguments(_ threads: Int?) -> [String] {
        flag("--threads", threads.map(String.init))
    }

    /// `[flag, value]`, or nothing without a value.
    private static func flag(_ name: String, _ value: String?) -> [String] {
        value.map { [name, $0] } ?? []
    }

    enum Outcome: Sendable {
        case ready
        case signal(String)
        case failed(String)
    }

    /// Polls the public API's `/readyz` (the gateway's, or with `--api-on-nodes` every
    /// node's) until it answers 200, then prints how to use the cluster and keeps
    /// watching the children (reporting one that exits).
    private func waitUntilReady(children: MemberProcesses, started: ContinuousClock.Instant, adminKey: String?, storefront: DemoStorefront?) async -> Outcome {
        var client = PublicAPIClient(gateway: GatewayAddress(host: host, port: port))
        client.timeout = .seconds(1)
        do {
            for index in 0..<(apiOnNodes ? nodes : 1) {
                var api = PublicAPIClient(gateway: GatewayAddress(host: host, port: port + index))
                api.timeout = .seconds(1)
                try await children.waitUntil(timeout: .seconds(365 * 86_400), what: apiOnNodes ? "n\(index + 1)'s public API" : "the gateway") {
                    await api.isReady()
                }
            }
        } catch is CancellationError {
            return .ready
        } catch {
            return .failed("\(error)")
        }
        let took = ContinuousClock.now - started
        let url = "http://\(host):\(port)"
        var keysText = ""
        var authorization = ""
        var adminAuthorization = ""
        if let adminKey {
            do {
                let origins = ["http://localhost:3000", url] + (storefront?.origins ?? [])
                let made = try await LocalKeys.make(client: client.authorized(adminKey), storefrontOrigins: origins)
                storefront?.use(publicKey: made.publicKey, privateKey: made.privateKey)
                keysText = """

                      Keys (shown once; the admin key is in \(adminKeyFile ?? "")):
                        public  (storefront pages): \(made.publicKey)
                                 its origins: \(origins.joined(separator: ", "))
                        private (shop servers):     \(made.privateKey)
                    """
                authorization = " -H 'authorization: Bearer \(made.publicKey)'"
                adminAuthorization = " -H \"authorization: Bearer $(cat \(adminKeyFile ?? ""))\""
            } catch {
                return .failed("could not make the local keys: \(error)")
            }
        }
        var storefrontText = ""
        if let storefront {
            if let problem = await storefront.waitUntilListening() {
                storefrontText = "\n  Demo storefront:           not started: could not listen on \(host):\(storefront.port) (\(problem)); see --storefront-port"
            } else {
                storefrontText = "\n  Demo storefront:           \(storefront.url)  (open it in a browser)"
            }
        }
        say("""

            Tailor is running: \(nodes) node(s)\(apiOnNodes ? " serving the public API" : " and a gateway"), ready in \(took.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))).
              \(apiOnNodes ? "Public JSON API:          " : "Gateway (public JSON API):") \(url)\(apiOnNodes && nodes > 1 ? " (and every node's: ports \(port)–\(port + nodes - 1))" : "")\(adminKey == nil ? "   (open: no keys needed, development only)" : "")
              Console:                   \(url)/console/\(adminKey == nil ? "" : "  (log in with the admin key)")
              Cluster view:              curl -s\(adminAuthorization) \(url)/v1/cluster | head -c 600\(storefrontText)
            \(keysText)
            Try a first recommendation:
              curl -s \(url)/v1/recommendations -H 'content-type: application/json'\(authorization) \\
                -d '{"user":"u00042","placement":"home_for_you","k":5}'

            Press Ctrl-C to stop everything.

            """)
        var reported = Set<String>()
        while true {
            for exited in children.exited() where reported.insert(exited.name).inserted {
                say("tailor local: \(exited.name) exited with status \(exited.status); the cluster carries on without it.")
            }
            do { try await Task.sleep(for: .milliseconds(500)) } catch { return .ready }
        }
    }
}

/// The keys `tailor local --admin-key-file` makes for a first try.
enum LocalKeys {
    static func make(client: PublicAPIClient, storefrontOrigins: [String]) async throws -> (publicKey: String, privateKey: String) {
        struct Made: Decodable { var key: String }
        func create(_ body: String) async throws -> String {
            let (status, data) = try await client.send(.POST, "/v1/keys", json: body)
            guard status == 201, let made = try? JSONDecoder().decode(Made.self, from: data) else {
                throw ClientError("POST /v1/keys answered \(status): \(String(decoding: data, as: UTF8.self))")
            }
            return made.key
        }
        let origins = storefrontOrigins.map { "\"\($0)\"" }.joined(separator: ",")
        let publicKey = try await create(#"{"role":"public","name":"local storefront","origins":[\#(origins)]}"#)
        let privateKey = try await create(#"{"role":"private","name":"local shop server"}"#)
        return (publicKey, privateKey)
    }
}
