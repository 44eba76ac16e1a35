import TailorGossip

/// `GET /v1/cluster`: the nodes of the current shard map, what they hold, the map,
/// and what the gateway's gossip knows of every member.
struct ClusterStatus: Encodable, Sendable {
    struct Member: Encodable, Sendable {
        var name: String
        var address: String
        /// `up` when it answered its status call, `unreachable` otherwise.
        var state: String
        var ready: Bool?
        var partitions: Int?
        /// The partitions it holds a replica of, and those still awaiting catch-up or hand-off.
        var heldPartitions: [Int]?
        var incompletePartitions: [Int]?
        /// Records in its store.
        var storedRecords: UInt64?
        var products: UInt64?
        var shoppers: UInt64?
        var events: UInt64?
        var error: String?
    }

    struct Partition: Encodable, Sendable {
        var partition: Int
        var replicas: [String]
    }

    var partitionCount: Int
    var replicationFactor: Int
    var writeQuorum: Int
    var members: [Member]
    /// Products in this gateway's catalog mirror.
    var gatewayCatalogSize: Int
    var partitions: [Partition]
    /// This gateway's SWIM view (every member with its status and incarnation) and its
    /// gossip counts; nil until its gossip has started.
    var gossip: GossipReport?
    /// The scatter's view of the replicas: each member's recent scoring p95 and the
    /// hedges sent since start.
    var scatter: Scatter
    /// This gateway's five most popular products and every member's reading of their
    /// counters (gossip converges them).
    var counters: [Counter]

    struct Scatter: Encodable, Sendable {
        var hedgesSent: Int
        var replicaP95Ms: [String: Double]
    }

    struct Counter: Encodable, Sendable {
        var product: String
        /// Popularity by member name (the gateway's own under its name).
        var popularity: [String: Double]
        var trend: [String: Double]
    }
}
