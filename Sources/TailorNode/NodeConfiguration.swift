public import TailorMembership

/// How a node is set up: who it is, who else is in the cluster, and what it loads.
public struct NodeConfiguration: Sendable {
    /// This member's name; must be one of `members`.
    public var name: String
    /// Where the internal HTTP/2 server listens.
    public var listen: Endpoint
    /// Every node of the cluster (static membership in this version).
    public var members: [MemberAddress]
    /// P: partitions in the cluster. Every member must use the same value.
    public var partitionCount: Int
    /// R: replicas of each partition.
    public var replicationFactor: Int
    /// Load the built-in demo shop at start-up (the shard this node holds of it).
    public var demo: DemoSetup?

    public struct DemoSetup: Sendable {
        /// Events of the demo end at this time (ms since the epoch); every member
        /// must use the same value so that they generate the same shop.
        public var endingAtMillis: Int64
        /// Use the small demo shop (tests).
        public var small: Bool

        public init(endingAtMillis: Int64, small: Bool = false) {
            self.endingAtMillis = endingAtMillis
            self.small = small
        }
    }

    public static let defaultPartitionCount = 32
    public static let defaultReplicationFactor = 2

    public init(
        name: String, listen: Endpoint, members: [MemberAddress],
        partitionCount: Int = Self.defaultPartitionCount, replicationFactor: Int = Self.defaultReplicationFactor,
        demo: DemoSetup? = nil
    ) {
        self.name = name
        self.listen = listen
        self.members = members
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        self.demo = demo
    }

    public var shardMap: ShardMap {
        ShardMap(partitionCount: partitionCount, replicationFactor: replicationFactor, members: members.map(\.name))
    }
}
