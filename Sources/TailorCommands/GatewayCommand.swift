import ArgumentParser
import Foundation
import TailorObservability
import Logging
import ServiceLifecycle
import UnixSignals
import TailorGateway
import TailorModel
import TailorSettings
import TailorProcess

/// `tailor gateway`: the public JSON API.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Run a gateway: the public JSON API, fanning requests out to the nodes over HTTP/2."
    )

    @Option(help: "Where the public HTTP API listens, host:port.")
    var listen: ListenAddress

    @Option(help: "Where the gateway's internal HTTP/2 listener (gossip) listens, host:port (default: the --listen host, any free port).")
    var internalListen: ListenAddress?

    @Option(help: "This gateway's member name, unique in the cluster.")
    var name = "gateway"

    @OptionGroup var cluster: ClusterOptions

    @OptionGroup var trust: TrustOptions

    @Option(help: "A file holding the bootstrap admin key (at least 32 characters, e.g. `openssl rand -hex 32`): the key that makes the others (POST /v1/keys). Or set TAILOR_ADMIN_KEY.")
    var adminKeyFile: String?

    @Option(help: "Requests per second a public key may make at this gateway, unless the key sets its own (a bucket holds two seconds' worth).")
    var rateLimitPublic: Double = RateLimits.defaults.publicPerSecond

    @Option(help: "Requests per second a private key may make at this gateway, unless the key sets its own.")
    var rateLimitPrivate: Double = RateLimits.defaults.privatePerSecond

    @Option(help: "Requests per second an admin key may make at this gateway, unless the key sets its own.")
    var rateLimitAdmin: Double = RateLimits.defaults.adminPerSecond

    @Option(help: "W: replicas that must store a write before it is acknowledged (default: min(2, R)).")
    var writeQuorum: Int?

    @Option(help: "End-to-end deadline of a recommendation in ms; partitions that miss it make the answer degraded.")
    var deadlineMs: Int = 250

    @Option(help: "What a request without a personalization field means: assumed (consent granted) or required (denied: nothing stored against the shopper, answers not personalised).")
    var consent: ConsentPolicy = .assumed

    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        try cluster.validateShape()
        if let writeQuorum, !(1...cluster.replicas).contains(writeQuorum) {
            throw ValidationError("--write-quorum must be between 1 and --replicas (\(cluster.replicas))")
        }
        guard (1...60_000).contains(deadlineMs) else { throw ValidationError("--deadline-ms must be between 1 and 60000") }
        for (flag, value) in [("--rate-limit-public", rateLimitPublic), ("--rate-limit-private", rateLimitPrivate), ("--rate-limit-admin", rateLimitAdmin)]
        where !(value.isFinite && value > 0 && value <= 1_000_000) {
            throw ValidationError("\(flag) must be a number of requests per second between 0 and 1000000")
        }
    }

    /// Keys with the bootstrap admin key, or open under `--insecure-no-auth` without one.
    func access() throws -> AccessMode {
        guard let key = try TrustOptions.adminKey(file: adminKeyFile) else {
            guard trust.insecureNoAuth else {
                throw ValidationError(
                    "tailor gateway needs the bootstrap admin key: --admin-key-file PATH or \(TrustOptions.adminKeyVariable) (at least \(AccessMode.minimumAdminKeyLength) characters, e.g. `openssl rand -hex 32`). --insecure-no-auth runs without keys, for development only."
                )
            }
            return .open
        }
        return .keys(
            bootstrapAdminKey: key,
            rateLimits: RateLimits(publicPerSecond: rateLimitPublic, privatePerSecond: rateLimitPrivate, adminPerSecond: rateLimitAdmin)
        )
    }

    func run() async throws {
        cluster.installExecutor()
        LoggingSetup.bootstrap(level: cluster.logLevel, member: name)
        Observability.bootstrap()
        let logger = Logger(label: "tailor.gateway")
        var configuration = GatewayConfiguration(
            listen: listen.endpoint, members: try cluster.parsedMembers(), partitionCount: cluster.partitions,
            replicationFactor: cluster.replicas, writeQuorum: writeQuorum, recommendationDeadline: .milliseconds(deadlineMs),
            trust: try trust.trust(command: "gateway"), access: try access()
        )
        trust.warnIfInsecure(configuration.trust, access: configuration.access, logger: logger)
        configuration.name = name
        configuration.internalListen = internalListen?.endpoint
        configuration.advertiseHost = cluster.advertiseHost
        configuration.seeds = try cluster.parsedSeeds()
        configuration.consent = consent
        let gateway = GatewayService(configuration: configuration, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: gateway)]
        if let parent = cluster.parentPid {
            services.append(.init(service: ParentWatch(parent: parent), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}

extension ConsentPolicy: ExpressibleByArgument {}
