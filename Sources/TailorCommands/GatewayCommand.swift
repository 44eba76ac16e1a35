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

    @OptionGroup var api: PublicAPIOptions

    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        try cluster.validateShape()
        try api.validate(replicas: cluster.replicas)
    }

    func run() async throws {
        let executorInstalled = cluster.installExecutor()
        LoggingSetup.bootstrap(level: cluster.logLevel, member: name)
        Observability.bootstrap()
        let logger = Logger(label: "tailor.gateway")
        cluster.reportExecutor(installed: executorInstalled, logger: logger)
        var configuration = try api.configuration(listen: listen.endpoint, cluster: cluster, trust: trust, command: "gateway")
        trust.warnIfInsecure(configuration.trust, access: configuration.access, logger: logger)
        configuration.name = name
        configuration.internalListen = internalListen?.endpoint
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
