import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import TailorMembership
import TailorNode
import TailorOutcomes
import TailorObservability
import TailorStore
import TailorDemo
import TailorSettings
import TailorProcess
import TailorGateway
import TailorHTTP2

/// `tailor node`: one member holding partitions of shoppers and catalog.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node: partitions of shoppers and of the catalog, served over internal HTTP/2."
    )

    @Option(help: "This member's name, unique in the cluster; a node not in --members joins the running cluster through --seeds (or --members) and starts empty.")
    var name: String

    @Option(help: "Where the internal HTTP/2 server listens, host:port.")
    var listen: ListenAddress

    @OptionGroup var cluster: ClusterOptions

    @OptionGroup var trust: TrustOptions

    @Flag(help: "Load this node's shard of the built-in demo shop at start-up.")
    var demo = false

    @Option(help: "The demo's events end at this time, ms since the epoch (default: now, rounded down to the hour). Every member must use the same value.")
    var demoAt: Int64?

    @Flag(help: ArgumentHelp("Use the small demo shop (2,000 products), for tests.", visibility: .hidden))
    var demoSmall = false

    @Option(help: "Shoppers in the demo shop (default 50,000; 3,000 with the small one). Every member must use the same value.")
    var demoShoppers: Int?

    @Option(help: "Products in the demo shop (default 20,000; 2,000 with the small one). Every member must use the same value.")
    var demoProducts: Int?

    @Option(help: "The folder of this node's store (SQLite, node.sqlite and its WAL); created when missing. Default: tailor-data/<name>.")
    var dataDir: String?

    @Option(help: "process: a commit survives the process being killed (SQLite synchronous=NORMAL); power: every commit is fsynced (synchronous=FULL).")
    var durability: NodeStore.Durability = .process

    @Option(help: "How often this node compares digests with the other replicas of its partitions (anti-entropy), e.g. 10s or 500ms.")
    var antiEntropyInterval = "10s"

    @Option(help: "A purchase is credited to the latest recommendation through which the shopper clicked the item within this time before it (click-through), e.g. 7d. Every node the same.")
    var attributionClickWindow = "7d"

    @Option(help: "Else to the latest recommendation that showed the item within this time before it (view-through), e.g. 24h. Every node the same.")
    var attributionViewWindow = "24h"

    @Option(help: "Also serve GET /metrics (Prometheus text format) over HTTP/1.1 at host:port; the node's own port speaks only HTTP/2.")
    var metricsListen: ListenAddress?

    @Option(help: "Also serve the public JSON API at host:port, as a gateway would: this node then coordinates requests itself, calling its own partitions without a socket, so a small cluster needs no gateway process. Takes the public API's options below (and the bootstrap admin key, unless --insecure-no-auth).")
    var publicListen: ListenAddress?

    @OptionGroup(title: "Public API (with --public-listen)") var api: PublicAPIOptions

    @OptionGroup var settings: SettingsOptions

    /// The demo shop `--demo` loads.
    var demoShop: DemoShop.Configuration {
        var shop = demoSmall ? DemoShop.Configuration.small : .standard
        if let demoShoppers { shop.shopperCount = demoShoppers }
        if let demoProducts { shop.productCount = demoProducts }
        return shop
    }

    /// What `--demo-shoppers` and `--demo-products` accept.
    static let demoSizes = DemoShop.Configuration.allowedCounts

    /// Refuses a `--demo-shoppers` or `--demo-products` (of `node` or `local`) outside ``demoSizes``.
    static func validateDemoSizes(shoppers: Int?, products: Int?) throws {
        for (flag, value) in [("--demo-shoppers", shoppers), ("--demo-products", products)] {
            if let value, !demoSizes.contains(value) {
                throw ValidationError("\(flag) must be between \(demoSizes.lowerBound) and \(demoSizes.upperBound)")
            }
        }
    }

    static func millis(_ text: String, default fallback: Int64) -> Int64 {
        DurationText.parse(text).map { $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000 } ?? fallback
    }

    func validate() throws {
        try cluster.validateShape()
        try Self.validateDemoSizes(shoppers: demoShoppers, products: demoProducts)
        guard let interval = DurationText.parse(antiEntropyInterval), interval >= .milliseconds(100) else {
            throw ValidationError("--anti-entropy-interval: '\(antiEntropyInterval)' is not a duration of at least 100ms (10s, 500ms)")
        }
        for (flag, text) in [("--attribution-click-window", attributionClickWindow), ("--attribution-view-window", attributionViewWindow)] {
            guard let window = DurationText.parse(text), window <= .seconds(366 * 86_400) else {
                throw ValidationError("\(flag): '\(text)' is not a duration of at most 366d (7d, 24h, 30m)")
            }
        }
        if publicListen == nil {
            if api.adminKeyFile != nil {
                throw ValidationError("--admin-key-file is for a node that serves the public API: give --public-listen too, or leave the key to the gateways")
            }
        } else {
            try api.validate(replicas: cluster.replicas)
        }
        if demo, try !cluster.parsedMembers().contains(where: { $0.name == name }) {
            throw ValidationError("--demo loads the shard --members gives this node: --name '\(name)' is not one of them")
        }
    }

    func run() async throws {
        let executorInstalled = cluster.installExecutor()
        LoggingSetup.bootstrap(level: cluster.logLevel, member: name)
        Observability.bootstrap()
        let logger = Logger(label: "tailor.node")
        cluster.reportExecutor(installed: executorInstalled, logger: logger)
        // The node is handed its seed: the demo shop, generated here.
        let seedSetup = demo
            ? NodeConfiguration.SeedSetup(endingAtMillis: demoAt ?? DemoClock.defaultEnd(), source: DemoSeed(shop: DemoShop(configuration: demoShop)))
            : nil
        var configuration = NodeConfiguration(
            name: name, listen: listen.endpoint, members: try cluster.parsedMembers(),
            partitionCount: cluster.partitions, replicationFactor: cluster.replicas, seed: seedSetup,
            dataDirectory: dataDir ?? "tailor-data/\(name)", trust: try trust.trust(command: "node")
        )
        trust.warnIfInsecure(configuration.trust, access: nil, logger: logger)
        configuration.durability = durability
        configuration.replication.antiEntropyInterval = DurationText.parse(antiEntropyInterval) ?? .seconds(10)
        configuration.seeds = try cluster.parsedSeeds()
        configuration.attributionWindows = AttributionWindows(
            clickThroughMillis: Self.millis(attributionClickWindow, default: 7 * 86_400_000),
            viewThroughMillis: Self.millis(attributionViewWindow, default: 86_400_000)
        )
        configuration.advertiseHost = cluster.advertiseHost
        configuration.failpoint = try CrashFailpoint.fromEnvironment()
        if let failpoint = configuration.failpoint {
            logger.warning("failpoint armed: this node SIGKILLs itself before answering some event batches", metadata: [
                "probability": "\(failpoint.probability)", "armed-while-exists": "\(failpoint.armedWhileExists)",
            ])
        }
        // With --public-listen, the public API in this process: a gateway whose calls to
        // this node skip the socket.
        configuration.inProcess = publicListen.map { _ in InProcessServers() }
        let node = NodeService(configuration: configuration, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: node)]
        if let publicListen {
            var api = try api.configuration(listen: publicListen.endpoint, cluster: cluster, trust: trust, command: "node --public-listen")
            trust.warnIfInsecure(api.trust, access: api.access, logger: logger)
            api.name = "\(name)-api"
            api.internalListen = Endpoint(host: listen.endpoint.host, port: 0)
            api.inProcess = configuration.inProcess
            services.append(.init(service: GatewayService(configuration: api, logger: Logger(label: "tailor.gateway"))))
        }
        if let metricsListen { services.append(.init(service: MetricsEndpoint.application(listening: metricsListen.endpoint))) }
        if let parent = cluster.parentPid {
            services.append(.init(service: ParentWatch(parent: parent), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}

enum DemoClock {
    /// Now, rounded down to the hour, so members started a few seconds apart agree.
    static func defaultEnd() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return now - now % 3_600_000
    }
}

extension NodeStore.Durability: ExpressibleByArgument {}
