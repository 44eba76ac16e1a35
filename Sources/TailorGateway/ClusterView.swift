import TailorGossip

/// `GET /v1/cluster`: the nodes of the current shard map, what they hold, the map,
/// and the gateway's gossip view of every member.
struct ClusterView: Encodable, Sendable {
    struct Member: Encodable, Sendable {
        var name: String
        var address: String
        /// `up` when it answered its status call, `unreachable` otherwise.
        var state: String
        var ready: Bool?
        var partitions: Int?
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
    /// Products in this gateway's inventory view.
    var gatewayCatalogSize: Int
    var partitions: [Partition]
    /// This gateway's SWIM view (every member with its status and incarnation) and its
    /// gossip counts; nil until its gossip has started.
    var gossip: GossipReport?
}
