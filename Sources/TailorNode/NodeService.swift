public import Logging
public import ServiceLifecycle
import Synchronization
import TailorGossip
import TailorHTTP2
import TailorMembership
import TailorScoring
import TailorStore
import Foundation
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
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try NodeStore(path: configuration.storePath, durability: configuration.durability, loadDigests: false)
        let data = NodeData(table: table, store: store, shardMap: shardMap)
        let client = HTTP2Client(logger: logger)
        let replication = Replication(
            member: member, data: data, client: client, settings: configuration.replication, logger: logger
        ) { [self] in
            members.withLock { members in
                let map = members.shardMap(partitionCount: configuration.partitionCount, replicationFactor: configuration.replicationFactor)
                var endpoints: [String: Endpoint] = [:]
                for name in map.members { endpoints[name] = members.endpoint(of: name) }
                return Replication.Peers(map: map, endpoints: endpoints)
            }
        }
        let gossip = GossipSlot(member: member)
        let handlers = NodeHandlers(member: member, shardMap: shardMap, data: data, readiness: readiness, replication: replication)
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
            try await NIOThreadPool.singleton.runIfActive { try self.load(data, shardMap: shardMap, member: member) }
            readiness.markLoaded()
            // Before the first read: what the other replicas took while this node was away.
            let catchUpStarted = ContinuousClock.now
            await replication.catchUpAtStart()
            readiness.markReady()
            let caughtUp = replication.counters.withLock { $0.recordsPulled }
            logger.info(
                "node ready",
                metadata: ["partitions": "\(table.partitions.count)", "caught up": "\(caughtUp) records in \(ContinuousClock.now - catchUpStarted)"]
            )
            group.addTask {
                await replication.run()
                return false
            }
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

    /// Fills the partition table: from the store when it holds data (a restart), else
    /// with the demo shop's shard (stored as it is built) or empty replicas.
    private func load(_ data: NodeData, shardMap: ShardMap, member: String) throws {
        let started = ContinuousClock.now
        let stored = data.store.storedPartitions
        if stored.isEmpty, let demo = configuration.demo {
            let loaded = try DemoLoader.load(demo, shardMap: shardMap, member: member, into: table) { records in
                try data.store.commit(records)
            }
            logger.info(
                "demo shop loaded and stored",
                metadata: [
                    "products": "\(loaded.products)", "shoppers": "\(loaded.shoppers)", "events": "\(loaded.events)",
                    "partitions": "\(table.partitions.count)", "took": "\(ContinuousClock.now - started)",
                ]
            )
            return
        }
        let records = try data.load(stored)
        for partition in shardMap.partitions(heldBy: member) where table[partition] == nil {
            table.install(
                .empty(partition: partition, vocabulary: table.vocabulary, complete: false) { shardMap.partition(of: $0) == partition },
                partition: partition
            )
        }
        logger.info(
            "partitions loaded from the store",
            metadata: ["records": "\(records)", "partitions": "\(table.partitions.count)", "took": "\(ContinuousClock.now - started)"]
        )
    }
}
