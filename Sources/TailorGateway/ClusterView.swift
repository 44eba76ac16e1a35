/// `GET /v1/cluster`: the members, what they hold, and the shard map.
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
}
