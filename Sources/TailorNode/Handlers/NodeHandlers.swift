import HTTPTypes
import TailorGossip
import TailorHTTP2
import TailorMembership

/// The node's internal RPCs: the calls of `WireMethods` a node serves, protobuf in,
/// protobuf out, over HTTP/2. Each area registers its calls in its own file
/// (`NodeHandlers+Scoring.swift` and so on).
struct NodeHandlers: Sendable {
    let member: String
    let shardMap: ShardMap
    let data: NodeData
    let readiness: Readiness
    let replication: Replication
    /// Armed only by the chaos suite (``CrashFailpoint``).
    let failpoint: CrashFailpoint?
    /// The cluster's configuration (API keys) as this node stores it.
    let configStore: NodeConfigurationStore
    /// Called on every `/readyz` of a node without a cluster secret (`--insecure-no-auth`): it says so.
    var warnInsecure: (@Sendable () -> Void)? = nil
    /// The node's gossip: while the other members refuse its signature it is not ready.
    let gossip: GossipServiceHolder
    /// The shop's purchase distribution, for churn risk.
    let churn = ChurnBaseline()

    /// Caught up, and not refused by the other members (a wrong cluster secret).
    var isReady: Bool { readiness.isReady && !(gossip.current?.refusedByPeers ?? false) }

    var table: PartitionTable { data.table }

    func router() -> HTTP2Router {
        var router = HTTP2Router()
        registerStatus(on: &router)
        registerReplication(on: &router)
        registerWrites(on: &router)
        registerScoring(on: &router)
        registerFacts(on: &router)
        registerCatalog(on: &router)
        registerConfiguration(on: &router)
        registerOutcomes(on: &router)
        return router
    }

    // MARK: Plumbing

    func heldPartition(of key: String) throws -> Int {
        let partition = shardMap.partition(of: key)
        _ = try held(partition)
        return partition
    }

    /// The replica of `partition` on this node; a request for one it does not hold was
    /// routed with a different shard map, which the caller must hear about.
    func held(_ partition: Int) throws -> PartitionTable.Replica {
        try requireReady()
        guard let replica = table[partition] else {
            throw HTTP2ServerError(.misdirectedRequest, "member \(member) holds no replica of partition \(partition)")
        }
        return replica
    }

    /// ``held(_:)`` for reads: a replica created by a membership change has not received
    /// its data yet (hand-off), so another replica must answer.
    func heldComplete(_ partition: Int) throws -> PartitionTable.Replica {
        let replica = try held(partition)
        guard replica.complete else {
            throw HTTP2ServerError(.serviceUnavailable, "member \(member) awaits the hand-off of partition \(partition)")
        }
        return replica
    }

    /// Data calls wait for the node's data: before it is loaded they would see empty
    /// partitions. (Reads also wait for catch-up: replicas are complete only then.)
    /// Checked before a data call's body is read.
    func requireReady() throws {
        guard readiness.isLoaded else { throw HTTP2ServerError(.serviceUnavailable, "member \(member) is still loading its partitions") }
    }
}
