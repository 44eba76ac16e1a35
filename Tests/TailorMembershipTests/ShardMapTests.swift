import Testing

import TailorCRDT
import TailorMembership

@Suite("Shard map: partitions and their replicas")
struct ShardMapTests {
    static let members = ["n1", "n2", "n3", "n4", "n5"]

    @Test("the stable hash is FNV-1a 64 (published test vectors)")
    func fnvVectors() {
        #expect(StableHash.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.fnv1a("foobar") == 0x8594_4171_f739_67e8)
        // Strings, substrings, bridged or not, non-ASCII: the String fast path and the
        // generic version agree byte for byte.
        for text in ["", "a", "foobar", "prod-00042", "Café ☕️ 🎁", String(repeating: "ü", count: 300)] {
            #expect(StableHash.fnv1a(text) == StableHash.fnv1a(bytes: Array(text.utf8)))
            #expect(StableHash.fnv1a(text[...]) == StableHash.fnv1a(text))
            let map = ShardMap(partitionCount: 97, replicationFactor: 2, members: Self.members)
            #expect(map.partition(of: text) == map.partition(of: text[...]))
            #expect([text].map(map.partition(of:)) == [Int(StableHash.fnv1a(bytes: Array(text.utf8)) % 97)])
        }
    }

    @Test("every member computes the same map, whatever order it learned the members in")
    func orderIndependent() {
        let a = ShardMap(partitionCount: 256, replicationFactor: 2, members: Self.members)
        let b = ShardMap(partitionCount: 256, replicationFactor: 2, members: Self.members.reversed() + ["n3"])
        #expect(a == b)
        #expect(a.replicas(ofKey: "shopper-42") == b.replicas(ofKey: "shopper-42"))
    }

    @Test("each partition has R distinct replicas, or every member when there are fewer")
    func replicaCount() {
        let map = ShardMap(partitionCount: 64, replicationFactor: 3, members: Self.members)
        for partition in 0..<64 {
            #expect(Set(map.replicas(of: partition)).count == 3)
        }
        let small = ShardMap(partitionCount: 8, replicationFactor: 3, members: ["n1", "n2"])
        #expect(small.replicas(of: 0).sorted() == ["n1", "n2"])
        #expect(ShardMap(partitionCount: 8, replicationFactor: 2, members: []).replicas(of: 3).isEmpty)
    }

    @Test("load is spread: every member holds close to P·R/N partitions")
    func balanced() {
        let map = ShardMap(partitionCount: 4096, replicationFactor: 2, members: Self.members)
        let fair = 4096 * 2 / Self.members.count
        for member in Self.members {
            let held = map.partitions(heldBy: member).count
            #expect(abs(held - fair) < fair / 10, "\(member) holds \(held), fair share \(fair)")
        }
    }

    @Test("a join moves only partitions the new member takes, about R/(N+1) of them")
    func joinMovesLittle() {
        let before = ShardMap(partitionCount: 4096, replicationFactor: 2, members: Self.members)
        let after = ShardMap(partitionCount: 4096, replicationFactor: 2, members: Self.members + ["n6"])
        var changed = 0
        for partition in 0..<4096 where before.replicas(of: partition) != after.replicas(of: partition) {
            changed += 1
            // Whatever changed, changed because n6 entered; the others kept their relative order.
            #expect(after.replicas(of: partition).contains("n6"))
            #expect(after.replicas(of: partition).filter { $0 != "n6" } == Array(before.replicas(of: partition).filter { $0 != "n6" }.prefix(1)))
        }
        let expected = 4096 * 2 / 6
        #expect(abs(changed - expected) < expected / 5, "\(changed) partitions moved, expected about \(expected)")
    }

    @Test("a leave moves only the partitions the member held")
    func leaveMovesOnlyItsOwn() {
        let before = ShardMap(partitionCount: 1024, replicationFactor: 2, members: Self.members)
        let after = ShardMap(partitionCount: 1024, replicationFactor: 2, members: Self.members.filter { $0 != "n2" })
        let held = Set(before.partitions(heldBy: "n2"))
        for partition in 0..<1024 where !held.contains(partition) {
            #expect(before.replicas(of: partition) == after.replicas(of: partition))
        }
        for partition in held {
            // The surviving replica stays, now first; one new member fills the gap.
            let survivor = before.replicas(of: partition).filter { $0 != "n2" }
            #expect(Array(after.replicas(of: partition).prefix(survivor.count)) == survivor)
        }
    }

    @Test("keys spread over partitions", arguments: [16, 256])
    func keysSpread(partitions: Int) {
        let map = ShardMap(partitionCount: partitions, replicationFactor: 1, members: ["n1"])
        var counts = [Int](repeating: 0, count: partitions)
        for index in 0..<(partitions * 200) { counts[map.partition(of: "shopper-\(index)")] += 1 }
        #expect(counts.min()! > 100 && counts.max()! < 300)
    }
}
