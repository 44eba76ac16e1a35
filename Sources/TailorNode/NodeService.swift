public import Logging
public import ServiceLifecycle
import Synchronization
import TailorGossip
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
    /// The members named at start and SWIM's view: what the shard map is computed from.
    private let members: Mutex<ClusterMembers>

    public init(
        configuration: NodeConfiguration, logger: Logger = Logger(label: "tailor.node"),
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.members = Mutex(ClusterMembers(initial: configuration.members))
    }

    public func run() async throws {
        let shardMap = configuration.shardMap
        let member = configuration.name
        let gossip = GossipSlot(member: member)
        let handlers = NodeHandlers(member: member, shardMap: shardMap, table: table, readiness: readiness)
        var router = handlers.router()
        gossip.register(on: &router)
        var serverConfiguration = HTTP2ServerConfiguration.defaults
        serverConfiguration.host = configuration.listen.host
        serverConfiguration.port = configuration.listen.port
        let (bound, boundSink) = AsyncStream<SocketAddress>.makeStream()
        let server = HTTP2Server(configuration: serverConfiguration, router: router, logger: logger) { address in
            boundSink.yield(address)
            boundSink.finish()
            self.onListening(address)
        }
        let client = HTTP2Client(logger: logger)
        // Counter growth reaches the partitions (actors) through this stream, in order.
        let (counterUpdates, counterSink) = AsyncStream<CounterUpdate>.makeStream()
        // Listen while loading: peers connect at once (instead of backing off from a
        // refused port) and hear "loading" (503) until the data is in.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await server.run()
                return false
            }
            var addresses = bound.makeAsyncIterator()
            let port = await addresses.next()?.port ?? configuration.listen.port
            let service = GossipService(
                myself: SWIMMember(
                    id: SWIMMemberID(name: member, generation: configuration.generation),
                    address: "\(configuration.advertiseHost ?? configuration.listen.host):\(port)", role: .node
                ),
                seeds: configuration.seeds + configuration.members.filter { $0.name != member }.map { "\($0.host):\($0.port)" },
                settings: configuration.gossip, client: client, logger: logger
            ) { [self] view in
                membershipChanged(view)
            } onCounters: { update in
                counterSink.yield(update)
            }
            gossip.set(service)
            group.addTask {
                try await service.run()
                return true
            }
            group.addTask { [self] in
                await applyCounters(counterUpdates)
                return false
            }
            // Seconds of CPU work: on a pool thread, not on a thread that serves requests
            // (when Swift concurrency runs on the event loops, that would be one of them).
            try await NIOThreadPool.singleton.runIfActive { self.load(shardMap: shardMap, member: member) }
            readiness.markReady()
            logger.info("node ready", metadata: ["partitions": "\(table.partitions.count)"])
            let refresher = HeadRefresher(table: table)
            group.addTask {
                await refresher.run()
                return false
            }
            // On graceful shutdown gossip says goodbye (its run() returns once the
            // leave is sent); then everything stops, the server included (its peers
            // would keep their connections open, and it would wait for them).
            // (Each task returns whether it was the gossip shell.)
            while let gossipEnded = try await group.next(), !gossipEnded {}
            group.cancelAll()
        }
        await client.shutdown()
    }

    /// Adds the growth of gossiped counters to the rows of the partitions this node holds.
    private func applyCounters(_ updates: AsyncStream<CounterUpdate>) async {
        var applier = CounterApplier()
        let map = configuration.shardMap
        for await update in updates {
            let increments = applier.increments(update) { table[map.partition(of: $0)] != nil }
            var byPartition: [Int: [(product: String, popularity: Double, trend: Double)]] = [:]
            for increment in increments { byPartition[map.partition(of: increment.product), default: []].append(increment) }
            for (partition, counts) in byPartition {
                await table[partition]?.catalog.addCounts(counts, landmark: update.landmark)
            }
        }
    }

    /// SWIM saw a member's status change: recompute the shard map and take an empty
    /// replica of every partition it now gives this node.
    private func membershipChanged(_ view: [SWIMUpdate]) {
        let map = members.withLock { members in
            members.gossip = view
            return members.shardMap(partitionCount: configuration.partitionCount, replicationFactor: configuration.replicationFactor)
        }
        let added = table.adopt(map, member: configuration.name)
        if !added.isEmpty {
            logger.notice("partitions adopted, awaiting hand-off", metadata: ["partitions": "\(added)", "data members": "\(map.members)"])
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
                    .empty(partition: partition, vocabulary: table.vocabulary, complete: true) { shardMap.partition(of: $0) == partition },
                    partition: partition
                )
            }
        }
    }
}
