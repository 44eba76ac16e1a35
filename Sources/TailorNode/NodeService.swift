public import Logging
public import ServiceLifecycle
import TailorHTTP2
import TailorMembership
import TailorScoring
import NIOCore
import NIOPosix

/// A Tailor node: holds its partitions' replicas and serves the internal HTTP/2 API.
///
/// A `Service`: `run()` loads the node's data (the demo shop when configured), then
/// serves until graceful shutdown (SIGTERM under a `ServiceGroup`).
public final class NodeService: Service, Sendable {
    public let configuration: NodeConfiguration
    public let readiness = Readiness()
    private let table = PartitionTable()
    private let logger: Logger
    private let onListening: @Sendable (SocketAddress) -> Void

    public init(
        configuration: NodeConfiguration, logger: Logger = Logger(label: "tailor.node"),
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let shardMap = configuration.shardMap
        let member = configuration.name
        let handlers = NodeHandlers(member: member, shardMap: shardMap, table: table, readiness: readiness)
        var serverConfiguration = HTTP2ServerConfiguration.defaults
        serverConfiguration.host = configuration.listen.host
        serverConfiguration.port = configuration.listen.port
        let server = HTTP2Server(configuration: serverConfiguration, router: handlers.router(), logger: logger, onListening: onListening)
        // Listen while loading: peers connect at once (instead of backing off from a
        // refused port) and hear "loading" (503) until the data is in.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            // Seconds of CPU work: on a pool thread, not on a thread that serves requests
            // (when Swift concurrency runs on the event loops, that would be one of them).
            try await NIOThreadPool.singleton.runIfActive { self.load(shardMap: shardMap, member: member) }
            readiness.markReady()
            logger.info("node ready", metadata: ["partitions": "\(table.partitions.count)"])
            let refresher = HeadRefresher(table: table)
            group.addTask { await refresher.run() }
            // The server ends first (graceful shutdown); the refresher runs until cancelled.
            try await group.next()
            group.cancelAll()
        }
    }

    private func load(shardMap: ShardMap, member: String) {
        if let demo = configuration.demo {
            let started = ContinuousClock.now
            let loaded = DemoLoader.load(demo, shardMap: shardMap, member: member, into: table)
            logger.info(
                "demo shop loaded",
                metadata: [
                    "products": "\(loaded.products)", "shoppers": "\(loaded.shoppers)", "events": "\(loaded.events)",
                    "partitions": "\(table.partitions.count)", "took": "\(ContinuousClock.now - started)",
                ]
            )
        } else {
            for partition in shardMap.partitions(heldBy: member) {
                table.install(
                    PartitionTable.Replica(
                        users: UserPartition(partition: partition),
                        catalog: CatalogPartition(partition: partition, index: CatalogIndex(vocabulary: table.vocabulary)) {
                            shardMap.partition(of: $0) == partition
                        }
                    ),
                    partition: partition
                )
            }
        }
    }
}
