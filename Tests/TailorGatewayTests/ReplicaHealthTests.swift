import Testing
@testable import TailorGateway

/// The scatter's memory of replicas awaiting hand-off, on instants it is handed (no clock).
@Suite("Replica health: replicas that decline a partition")
struct ReplicaHealthTests {
    let start = ContinuousClock.now

    @Test("a replica that declined a partition is read after the partition's other replicas, for that partition only")
    func declinedReadLast() {
        var health = ReplicaHealth()
        // After n2 is declared dead, n1 holds an empty replica of partition 5 awaiting hand-off.
        health.record("n1", asked: [4, 5], answered: [4], at: start)
        let now = start + .milliseconds(300)
        #expect(health.declining(5, at: now) == ["n1"])
        #expect(health.declining(4, at: now).isEmpty)
        #expect(ReplicaHealth.readOrder(["n1", "n3"], suspects: [], declining: health.declining(5, at: now), failed: []) == ["n3", "n1"])
        #expect(ReplicaHealth.readOrder(["n1", "n3"], suspects: [], declining: health.declining(4, at: now), failed: []) == ["n1", "n3"])
    }

    @Test("the memory lasts a while, then the replica is asked again; an answer clears it at once")
    func declineForgotten() {
        var health = ReplicaHealth()
        health.record("n1", asked: [5], answered: [], at: start)
        #expect(health.declining(5, at: start + ReplicaHealth.declineMemory - .milliseconds(1)) == ["n1"])
        #expect(health.declining(5, at: start + ReplicaHealth.declineMemory).isEmpty)
        health.record("n1", asked: [5], answered: [], at: start + .seconds(1))
        health.record("n1", asked: [5], answered: [5], at: start + .seconds(2))
        #expect(health.declining(5, at: start + .seconds(2)).isEmpty)
    }

    @Test("read order: healthy, then suspects, then replicas that declined, then those that failed; rotation kept among equals")
    func ranks() {
        let order = ReplicaHealth.readOrder(["a", "b", "c", "d", "e"], suspects: ["b"], declining: ["a", "d"], failed: ["c", "d"])
        #expect(order == ["e", "b", "a", "c", "d"])
        #expect(ReplicaHealth.readOrder(["b", "a"], suspects: [], declining: [], failed: []) == ["b", "a"])
    }
}
