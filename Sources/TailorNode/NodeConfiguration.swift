import Foundation
public import TailorMembership
public import TailorStore

/// How a node is set up: who it is, who else is in the cluster, and what it loads.
public struct NodeConfiguration: Sendable {
    /// This member's name, unique in the cluster.
    public var name: String
    /// Where the internal HTTP/2 server listens.
    public var listen: Endpoint
    /// The nodes named at start (`--members`): the first shard map, what the seed
    /// loader fills, and seeds. Empty for a node that joins a running cluster.
    public var members: [MemberAddress]
    /// More addresses (`host:port`) to join through (`--seeds`).
    public var seeds: [String] = []
    /// The host other members reach this one at (default: the listen host).
    public var advertiseHost: String?
    /// This run of the member: fresh at every start, larger than the last.
    public var generation = UInt64(Date().timeIntervalSince1970 * 1_000_000)
    public var gossip = SWIMSettings.defaults
    /// P: partitions in the cluster. Every member must use the same value.
    public var partitionCount: Int
    /// R: replicas of each partition.
    public var replicationFactor: Int
    /// A shop to load at start-up (the shard this node holds of it) when the store is
    /// empty, such as the built-in demo; a store with data is loaded instead.
    public var seed: SeedSetup?
    /// The folder of this node's store (`node.sqlite` and its WAL), created when missing.
    public var dataDirectory: String
    public var durability: NodeStore.Durability = .process
    public var replication = ReplicationSettings.defaults
    /// The chaos suite's crash before answering a write (from the environment only).
    public var failpoint: CrashFailpoint?

    public struct SeedSetup: Sendable {
        /// Events of the seed end at this time (ms since the epoch); every member
        /// must use the same value so that they generate the same shop.
        public var endingAtMillis: Int64
        /// Where the shop comes from.
        public var source: any SeedSource

        public init(endingAtMillis: Int64, source: any SeedSource) {
            self.endingAtMillis = endingAtMillis
            self.source = source
        }
    }

    public static let defaultPartitionCount = 32
    public static let defaultReplicationFactor = 2

    public init(
        name: String, listen: Endpoint, members: [MemberAddress],
        partitionCount: Int = Self.defaultPartitionCount, replicationFactor: Int = Self.defaultReplicationFactor,
        seed: SeedSetup? = nil, dataDirectory: String
    ) {
        self.dataDirectory = dataDirectory
        self.name = name
        self.listen = listen
        self.members = members
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        self.seed = seed
    }

    public var storePath: String { (dataDirectory as NSString).appendingPathComponent("node.sqlite") }

    public var shardMap: ShardMap {
        ShardMap(partitionCount: partitionCount, replicationFactor: replicationFactor, members: members.map(\.name))
    }
}
