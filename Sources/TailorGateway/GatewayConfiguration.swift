import Foundation
import TailorMembership
import TailorModel
import TailorTrust
import TailorHTTP2

/// How a gateway is set up.
package struct GatewayConfiguration: Sendable {
    /// Where the public JSON API listens.
    package var listen: Endpoint
    /// The nodes named at start (`--members`): the first shard map, and seeds.
    package var members: [MemberAddress]
    /// This gateway's member name (gateways join the gossip as members that own no partitions).
    package var name = "gateway"
    /// Where the gateway's internal HTTP/2 listener (gossip) listens; port 0 picks one.
    package var internalListen: Endpoint?
    /// The host other members reach the internal listener at (default: its listen host).
    package var advertiseHost: String?
    /// More addresses (`host:port`) to join through.
    package var seeds: [String] = []
    /// This run of the gateway: fresh at every start.
    package var generation = UInt64(Date().timeIntervalSince1970 * 1_000_000)
    package var gossip = SWIMSettings.defaults
    /// P; must match the nodes'.
    package var partitionCount: Int
    /// R; must match the nodes'.
    package var replicationFactor: Int
    /// W: replicas that must store a write before it is acknowledged (at most R).
    package var writeQuorum: Int
    /// How long a recommendation may take end to end; partitions that have not
    /// answered by then are left out and the answer is marked degraded.
    package var recommendationDeadline: Duration
    /// How long a write may wait for its replicas.
    package var writeTimeout: Duration
    /// How often the catalog mirror is refreshed from the nodes in full. Writes through
    /// this gateway update it at once; the refresh catches writes made through other
    /// gateways (until inventory travels by gossip) and costs a burst of CPU, so it is rare.
    package var catalogRefreshInterval: Duration
    /// What a request without `personalization` means: consent assumed (granted) or
    /// required (denied).
    package var consent: ConsentPolicy = .assumed
    /// How long the gateway keeps each recommendation's decision trace in memory
    /// (`GET /v1/recommendations/{id}/trace`); zero traces nothing.
    package var traceRetention: Duration = Self.defaultTraceRetention
    /// The share of recommendations traced, 0...1 (the rest cost nothing extra); an
    /// admin key's recommendations are always traced.
    package var traceSample = Self.defaultTraceSample
    /// One in ten: the kernel's cost of a traced request is measured (+65 µs), its cost
    /// end to end not yet (docs/trace.md), so a sample keeps it small.
    package static let defaultTraceSample = 0.1
    /// Nodes in this process (`tailor node --public-listen`): calls to them run through
    /// their routers without a socket.
    package var inProcess: InProcessServers?

    /// The cluster secret internal calls are signed and checked with.
    package var trust: ClusterTrust
    /// Keys on the public API, or open (`--insecure-no-auth`).
    package var access: AccessMode

    package static let defaultRecommendationDeadline: Duration = .milliseconds(250)
    package static let defaultTraceRetention: Duration = .seconds(3_600)

    package init(
        listen: Endpoint, members: [MemberAddress], partitionCount: Int = 32, replicationFactor: Int = 2,
        writeQuorum: Int? = nil, recommendationDeadline: Duration = Self.defaultRecommendationDeadline,
        writeTimeout: Duration = .seconds(2), catalogRefreshInterval: Duration = .seconds(300),
        trust: ClusterTrust, access: AccessMode
    ) {
        self.trust = trust
        self.access = access
        self.listen = listen
        self.members = members
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        self.writeQuorum = writeQuorum ?? min(2, replicationFactor)
        self.recommendationDeadline = recommendationDeadline
        self.writeTimeout = writeTimeout
        self.catalogRefreshInterval = catalogRefreshInterval
    }

    /// The shard map of the members named at start.
    package var shardMap: ShardMap {
        ShardMap(partitionCount: partitionCount, replicationFactor: replicationFactor, members: members.map(\.name))
    }
}
