/// The nodes data is routed to, from the members named at start and what SWIM says
/// since: a pure function, so every member with the same view routes the same way.
///
/// A node named at start (`--members`) counts until SWIM declares it dead or gone:
/// at start-up, before the first gossip, every member then computes the same map as
/// the demo loader did. A node that joined later counts while SWIM has it alive or
/// suspect. Gateways hold no partitions and never count.
package struct ClusterMembers: Sendable, Equatable {
    /// The nodes named at start.
    package var initial: [MemberAddress]
    /// SWIM's view: every member it knows, this one included.
    package var gossip: [SWIMUpdate]

    package init(initial: [MemberAddress], gossip: [SWIMUpdate] = []) {
        self.initial = initial
        self.gossip = gossip
    }

    /// The nodes holding data, sorted.
    package var dataMembers: [String] {
        let statuses = Dictionary(gossip.map { ($0.member.name, $0) }, uniquingKeysWith: { $0.member.id.generation >= $1.member.id.generation ? $0 : $1 })
        var names = Set<String>()
        for member in initial where statuses[member.name]?.status.holdsData ?? true { names.insert(member.name) }
        for update in gossip where update.member.role == .node && update.status.holdsData { names.insert(update.member.name) }
        return names.sorted()
    }

    /// Where to reach `name`: as gossip last said, else as named at start.
    package func endpoint(of name: String) -> Endpoint? {
        if let update = gossip.first(where: { $0.member.name == name }), let endpoint = Endpoint(parsing: update.member.address) {
            return endpoint
        }
        return initial.first { $0.name == name }.map { Endpoint(host: $0.host, port: $0.port) }
    }

    /// Members SWIM currently suspects (alive to the shard map, last in read orders).
    package var suspects: Set<String> {
        Set(gossip.filter { $0.status == .suspect }.map(\.member.name))
    }

    package func shardMap(partitionCount: Int, replicationFactor: Int) -> ShardMap {
        ShardMap(partitionCount: partitionCount, replicationFactor: replicationFactor, members: dataMembers)
    }
}
