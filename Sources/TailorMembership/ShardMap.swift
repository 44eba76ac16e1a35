import TailorCRDT

/// Where data lives: which partition holds a key, and which members hold a partition.
///
/// A pure function of the member list (DESIGN.md §1): any member that knows the same
/// live members computes the same map. Keys go to `partition = hash(key) mod P`, P
/// fixed when the cluster is created; a partition's replicas are the R members with
/// the highest rendezvous weight `mix(hash(member), partition)`. A join or a leave
/// therefore moves only the partitions whose top R changes.
package struct ShardMap: Sendable, Equatable {
    /// P: the number of partitions, fixed for the life of the cluster.
    package let partitionCount: Int
    /// R: how many members hold each partition (fewer when fewer members are live).
    package let replicationFactor: Int
    /// The live members, sorted, without duplicates.
    package let members: [String]
    private let replicaTable: [[String]]

    /// - Precondition: `partitionCount` in 1...65,536, `replicationFactor` ≥ 1.
    package init(partitionCount: Int, replicationFactor: Int, members: some Sequence<String>) {
        precondition((1...65_536).contains(partitionCount), "partitionCount must be in 1...65536")
        precondition(replicationFactor >= 1, "replicationFactor must be at least 1")
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        let sorted = Array(Set(members)).sorted()
        self.members = sorted
        let memberHashes = sorted.map { StableHash.fnv1a($0) }
        let replicas = min(replicationFactor, sorted.count)
        self.replicaTable = (0..<partitionCount).map { partition in
            Self.topWeighted(memberHashes: memberHashes, members: sorted, partition: partition, count: replicas)
        }
    }

    /// The partition that holds `key` (a shopper id, a product id): the concrete entry
    /// for `String` keys, also as a method reference (``StableHash/fnv1a(_:)-String``).
    package func partition(of key: String) -> Int {
        Int(StableHash.fnv1a(key) % UInt64(partitionCount))
    }

    /// The partition that holds `key` (a shopper id, a product id).
    @inlinable
    package func partition(of key: some StringProtocol) -> Int {
        Int(StableHash.fnv1a(key) % UInt64(partitionCount))
    }

    /// The members holding `partition`, most preferred first; empty with no members.
    package func replicas(of partition: Int) -> [String] {
        replicaTable[partition]
    }

    /// The members holding the partition of `key`.
    package func replicas(ofKey key: some StringProtocol) -> [String] {
        replicas(of: partition(of: key))
    }

    /// The partitions `member` holds a replica of.
    package func partitions(heldBy member: String) -> [Int] {
        replicaTable.indices.filter { replicaTable[$0].contains(member) }
    }

    private static func topWeighted(memberHashes: [UInt64], members: [String], partition: Int, count: Int) -> [String] {
        let weighted = memberHashes.indices.map { index in
            (weight: StableHash.mix(memberHashes[index], UInt64(partition)), member: members[index])
        }
        // Ties (astronomically rare) fall back to the name, so the order stays total.
        return weighted.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.member < $1.member }
            .prefix(count)
            .map(\.member)
    }
}
