public import TailorMembership

/// How a gateway is set up.
public struct GatewayConfiguration: Sendable {
    /// Where the public JSON API listens.
    public var listen: Endpoint
    /// Every node of the cluster (static membership in this version).
    public var members: [MemberAddress]
    /// P; must match the nodes'.
    public var partitionCount: Int
    /// R; must match the nodes'.
    public var replicationFactor: Int
    /// W: replicas that must store a write before it is acknowledged (at most R).
    public var writeQuorum: Int
    /// How long a recommendation may take end to end; partitions that have not
    /// answered by then are left out and the answer is marked degraded.
    public var recommendationDeadline: Duration
    /// How long a write may wait for its replicas.
    public var writeTimeout: Duration
    /// How often the inventory view is refreshed from the nodes in full. Writes through
    /// this gateway update it at once; the refresh catches writes made through other
    /// gateways (until inventory travels by gossip) and costs a burst of CPU, so it is rare.
    public var catalogRefreshInterval: Duration

    public static let defaultRecommendationDeadline: Duration = .milliseconds(250)

    public init(
        listen: Endpoint, members: [MemberAddress], partitionCount: Int = 32, replicationFactor: Int = 2,
        writeQuorum: Int? = nil, recommendationDeadline: Duration = Self.defaultRecommendationDeadline,
        writeTimeout: Duration = .seconds(2), catalogRefreshInterval: Duration = .seconds(300)
    ) {
        self.listen = listen
        self.members = members
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        self.writeQuorum = writeQuorum ?? min(2, replicationFactor)
        self.recommendationDeadline = recommendationDeadline
        self.writeTimeout = writeTimeout
        self.catalogRefreshInterval = catalogRefreshInterval
    }

    public var shardMap: ShardMap {
        ShardMap(partitionCount: partitionCount, replicationFactor: replicationFactor, members: members.map(\.name))
    }
}
