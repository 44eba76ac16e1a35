import Foundation
import TailorMembership
import TailorOutcomes
import TailorStore
import TailorTrust
import TailorHTTP2

/// How a node is set up: who it is, who else is in the cluster, and what it loads.
package struct NodeConfiguration: Sendable {
    /// This member's name, unique in the cluster.
    package var name: String
    /// Where the internal HTTP/2 server listens.
    package var listen: Endpoint
    /// The nodes named at start (`--members`): the first shard map, what the seed
    /// loader fills, and seeds. Empty for a node that joins a running cluster.
    package var members: [MemberAddress]
    /// More addresses (`host:port`) to join through (`--seeds`).
    package var seeds: [String] = []
    /// The host other members reach this one at (default: the listen host).
    package var advertiseHost: String?
    /// This run of the member: fresh at every start, larger than the last.
    package var generation = UInt64(Date().timeIntervalSince1970 * 1_000_000)
    package var gossip = SWIMSettings.defaults
    /// P: partitions in the cluster. Every member must use the same value.
    package var partitionCount: Int
    /// R: replicas of each partition.
    package var replicationFactor: Int
    /// A shop to load at start-up (the shard this node holds of it) when the store is
    /// empty, such as the built-in demo; a store with data is loaded instead.
    package var seed: SeedSetup?
    /// The folder of this node's store (`node.sqlite` and its WAL), created when missing.
    package var dataDirectory: String
    package var durability: NodeStore.Durability = .process
    package var replication = ReplicationSettings.defaults
    /// The chaos suite's crash before answering a write (from the environment only).
    package var failpoint: CrashFailpoint?
    /// The cluster secret internal calls are signed and checked with (``ClusterTrust/open``
    /// only under `--insecure-no-auth` without a secret).
    package var trust: ClusterTrust
    /// How long a click or a view may precede a purchase it is credited for
    /// (`--attribution-click-window`, `--attribution-view-window`; every node the same).
    package var attributionWindows = AttributionWindows.standard
    /// Where this node's internal API is also served without a socket, to a public API
    /// in the same process (`tailor node --public-listen`): its calls to this node run
    /// through the node's router directly.
    package var inProcess: InProcessServers?

    package struct SeedSetup: Sendable {
        /// Events of the seed end at this time (ms since the epoch); every member
        /// must use the same value so that they generate the same shop.
        package var endingAtMillis: Int64
        /// Where the shop comes from.
        package var source: any SeedSource

        package init(endingAtMillis: Int64, source: any SeedSource) {
            self.endingAtMillis = endingAtMillis
            self.source = source
        }
    }

    package static let defaultPartitionCount = 32
    package static let defaultReplicationFactor = 2

    package init(
        name: String, listen: Endpoint, members: [MemberAddress],
        partitionCount: Int = Self.defaultPartitionCount, replicationFactor: Int = Self.defaultReplicationFactor,
        seed: SeedSetup? = nil, dataDirectory: String, trust: ClusterTrust
    ) {
        self.trust = trust
        self.dataDirectory = dataDirectory
        self.name = name
        self.listen = listen
        self.members = members
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        self.seed = seed
    }

    package var storePath: String { (dataDirectory as NSString).appendingPathComponent("node.sqlite") }

    package var shardMap: ShardMap {
        ShardMap(partitionCount: partitionCount, replicationFactor: replicationFactor, members: members.map(\.name))
    }
}
