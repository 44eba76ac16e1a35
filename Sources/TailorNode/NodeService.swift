import Logging
import ServiceLifecycle
import Synchronization
import TailorGossip
import TailorHTTP2
import TailorMembership
import TailorScoring
import TailorCRDT
import TailorStore
import TailorWire
import TailorTrust
import TailorRPC
import Foundation
import NIOCore
import NIOPosix

/// A Tailor node: holds its partitions' replicas and serves the internal HTTP/2 API.
///
/// A `Service`: `run()` loads the node's data (the demo shop when configured), then
/// serves until graceful shutdown (SIGTERM under a `ServiceGroup`).
package final class NodeService: Service, Sendable {
    package let configuration: NodeConfiguration
    package let readiness = Readiness()
    private let table: PartitionTable
    private let logger: Logger
    private let onListening: @Sendable (SocketAddress) -> Void
    /// The members named at start and SWIM's view: what the shard map is computed from.
    private let members: Mutex<ClusterMembers>

    package init(
        configuration: NodeConfiguration, logger: Logger = Logger(label: "tailor.node"),
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.members = Mutex(ClusterMembers(initial: configuration.members))
        self.table = PartitionTable(attributionWindows: configuration.attributionWindows)
    }

    package func run() async throws {
        let shardMap = configuration.shardMap
        let member = configuration.name
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try NodeStore(path: configuration.storePath, durability: configuration.durability, loadDigests: false)
        let data = NodeData(table: table, store: store, shardMap: shardMap)
        let client = HTTP2Client(logger: logger)
        let replication = Replication(
            member: member, data: data, client: client, trust: configuration.trust, settings: configuration.replication, logger: logger
        ) { [self] in
            members.withLock { members in
                let map = members.shardMap(partitionCount: configuration.partitionCount, replicationFactor: configuration.replicationFactor)
                var endpoints: [String: Endpoint] = [:]
                for name in map.members { endpoints[name] = members.endpoint(of: name) }
                return Replication.Peers(map: map, endpoints: endpoints)
            }
        }
        let gossip = GossipServiceHolder(member: member)
        let configStore = try NodeConfigurationStore(store: store)
        if let seeded = configuration.seed?.source.decisionPoints, !seeded.isEmpty {
            _ = try configStore.sync(WireConfigState(.decisionPoint, seeded.compactMap { WireExperimentRecord.preset(id: $0.id, definition: $0.definition) }))
        }
        var handlers = NodeHandlers(
            member: member, shardMap: shardMap, data: data, readiness: readiness, replication: replication,
            failpoint: configuration.failpoint, configStore: configStore, gossip: gossip
        )
        if configuration.trust.isOpen {
            handlers.warnInsecure = { [logger] in
                logger.warning("no cluster secret (--insecure-no-auth): any process that reaches this node's port can read, write and join")
            }
        }
        var router = handlers.router()
        gossip.register(on: &router)
        router.requireSignatures(configuration.trust, logger: logger)
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
            configuration.inProcess?.serve(router, at: inProcessPeers(port: port))
            let service = GossipService(
                myself: SWIMMember(
                    id: SWIMMemberID(name: member, generation: configuration.generation),
                    address: "\(configuration.advertiseHost ?? configuration.listen.host):\(port)", role: .node
                ),
                seeds: configuration.seeds + configuration.members.filter { $0.name != member }.map { "\($0.host):\($0.port)" },
                settings: configuration.gossip, client: client, trust: configuration.trust, logger: logger
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
            let demoRecords = try await NIOThreadPool.singleton.runIfActive { try self.load(data, shardMap: shardMap, member: member) }
            if demoRecords != nil, !data.store.storedPartitions.isEmpty {
                let applied = try await data.applyStored(data.store.storedPartitions)
                logger.notice("the store's records applied over the demo shop", metadata: ["records": "\(applied)"])
            }
            readiness.markLoaded()
            if let demoRecords {
                // Built from the demo shop: complete as it is. It is stored first, then
                // replication starts: until then memory holds records the store does not,
                // and a pull would apply them twice.
                for partition in table.partitions { table.markComplete(partition) }
                replication.storeHoldsMemory.store(false, ordering: .relaxed)
                readiness.markReady()
                logger.info("node ready", metadata: ["partitions": "\(table.partitions.count)"])
                group.addTask { [self] in
                    await storeDemo(demoRecords, in: data)
                    replication.storeHoldsMemory.store(true, ordering: .relaxed)
                    await replication.catchUpAtStart()
                    await replication.run()
                    return false
                }
            } else {
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
            configuration.inProcess?.remove(inProcessPeers(port: port))
        }
        await client.shutdown()
    }

    /// The addresses other members call this node at, which a public API in this
    /// process calls without a socket: the listen address, the advertised one and the
    /// one `--members` gives for this node.
    private func inProcessPeers(port: Int) -> [HTTP2Peer] {
        var peers = [HTTP2Peer(host: configuration.listen.host, port: port)]
        if let host = configuration.advertiseHost { peers.append(HTTP2Peer(host: host, port: port)) }
        if let named = configuration.members.first(where: { $0.name == configuration.name }) {
            peers.append(HTTP2Peer(host: named.host, port: named.port))
        }
        return peers
    }

    /// Adds the growth of gossiped counters to the rows of the partitions this node holds.
    private func applyCounters(_ updates: AsyncStream<CounterUpdate>) async {
        var applier = CounterApplier()
        let map = configuration.shardMap
        for await update in updates {
            let holds: @Sendable (String) -> Bool = { [table] in table[map.partition(of: $0)] != nil }
            let increments = applier.increments(update, isHeld: holds)
            guard !increments.isEmpty else { continue }
            await table.catalog.addCounts(increments, landmark: update.landmark, holds: holds)
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
    /// with the demo shop's shard or empty replicas. Returns the demo's records when they
    /// are still to be stored (after the node is ready: see ``storeDemo(_:in:)``).
    private func load(_ data: NodeData, shardMap: ShardMap, member: String) throws -> [SeedLoader.Record]? {
        let started = ContinuousClock.now
        let stored = data.store.storedPartitions
        if let demo = configuration.seed, try stored.isEmpty || data.store.meta(Self.demoStoredKey) == nil {
            var records: [SeedLoader.Record] = []
            let loaded = try SeedLoader.load(demo, shardMap: shardMap, member: member, into: table) { records.append($0) }
            logger.info(
                "demo shop loaded",
                metadata: [
                    "products": "\(loaded.products)", "shoppers": "\(loaded.shoppers)", "events": "\(loaded.events)",
                    "partitions": "\(table.partitions.count)", "took": "\(ContinuousClock.now - started)", "records": "\(records.count)",
                    "over a store that did not finish storing it": "\(!stored.isEmpty)",
                ]
            )
            return records
        }
        let records = try data.load(stored)
        for partition in shardMap.partitions(heldBy: member) where table[partition] == nil {
            table.install(table.emptyReplica(partition: partition, complete: false) { shardMap.partition(of: $0) == partition }, partition: partition)
        }
        logger.info(
            "partitions loaded from the store",
            metadata: ["records": "\(records)", "partitions": "\(table.partitions.count)", "took": "\(ContinuousClock.now - started)"]
        )
        return nil
    }

    /// Set in the store's meta table once the demo shop is stored whole.
    static let demoStoredKey = "demo stored"

    /// Stores the demo shop's records after the node is ready (it is built in memory
    /// already; storing it first would add seconds to every fresh start): in key order
    /// and large transactions (appends to the B-tree, several times faster than random
    /// inserts), live writes interleaving between them. A node stopped before the end
    /// builds the demo again at its next start and applies what its store holds on top.
    private func storeDemo(_ demo: [SeedLoader.Record], in data: NodeData) async {
        let started = ContinuousClock.now
        let count = demo.count
        do {
            try await NIOThreadPool.singleton.runIfActive {
                let sorted = demo.map { (partition: $0.partition, record: $0.encoded) }.sorted {
                    ($0.partition, $0.record.bucket, $0.record.kind.rawValue, $0.record.key)
                        < ($1.partition, $1.record.bucket, $1.record.kind.rawValue, $1.record.key)
                }
                var offset = 0
                while offset < sorted.count {
                    let end = min(offset + 50_000, sorted.count)
                    try data.store.commit(Array(sorted[offset..<end]))
                    offset = end
                }
                try data.store.setMeta(Self.demoStoredKey, "\(count) records")
            }
            logger.info("demo shop stored", metadata: ["records": "\(count)", "took": "\(ContinuousClock.now - started)"])
        } catch {
            logger.error("could not store the demo shop", metadata: ["error": "\(error)"])
        }
    }
}
