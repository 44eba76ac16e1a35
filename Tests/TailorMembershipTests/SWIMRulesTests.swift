import Testing
import TailorMembership

/// The rules every member applies the same way: which claim about a member wins,
/// which nodes the shard map counts, how long a suspicion lasts.
@Suite struct SWIMRulesTests {
    static func member(_ name: String, generation: UInt64 = 1, role: SWIMRole = .node) -> SWIMMember {
        SWIMMember(id: SWIMMemberID(name: name, generation: generation), address: "\(name):1", role: role)
    }

    static func claim(_ status: SWIMStatus, incarnation: UInt64, generation: UInt64 = 1) -> SWIMUpdate {
        SWIMUpdate(member: member("m", generation: generation), status: status, incarnation: incarnation)
    }

    @Test func aHigherIncarnationWinsAndAtEqualOnesDeadBeatsSuspectBeatsAlive() {
        #expect(Self.claim(.alive, incarnation: 2).overrides(Self.claim(.dead, incarnation: 1)))
        #expect(!Self.claim(.alive, incarnation: 1).overrides(Self.claim(.suspect, incarnation: 1)))
        #expect(Self.claim(.suspect, incarnation: 1).overrides(Self.claim(.alive, incarnation: 1)))
        #expect(Self.claim(.dead, incarnation: 1).overrides(Self.claim(.suspect, incarnation: 1)))
        #expect(!Self.claim(.suspect, incarnation: 0).overrides(Self.claim(.alive, incarnation: 1)))
    }

    @Test func leftIsFinalForItsGenerationAndANewGenerationSupersedesEverything() {
        #expect(!Self.claim(.alive, incarnation: 9).overrides(Self.claim(.left, incarnation: 1)))
        #expect(Self.claim(.left, incarnation: 1).overrides(Self.claim(.alive, incarnation: 5)))
        #expect(Self.claim(.alive, incarnation: 0, generation: 2).overrides(Self.claim(.left, incarnation: 7, generation: 1)))
        #expect(!Self.claim(.alive, incarnation: 7, generation: 1).overrides(Self.claim(.dead, incarnation: 0, generation: 2)))
    }

    @Test func theShardMapCountsNodesNamedAtStartUntilDeadAndJoinersWhileAliveOrSuspect() {
        let initial = ["n1", "n2", "n3"].map { MemberAddress(name: $0, host: "10.0.0.1", port: 7101) }
        var members = ClusterMembers(initial: initial)
        #expect(members.dataMembers == ["n1", "n2", "n3"])  // before any gossip: as named
        members.gossip = [
            SWIMUpdate(member: Self.member("n1"), status: .alive, incarnation: 0),
            SWIMUpdate(member: Self.member("n2"), status: .suspect, incarnation: 0),
            SWIMUpdate(member: Self.member("n3"), status: .dead, incarnation: 0),
            SWIMUpdate(member: Self.member("n4"), status: .alive, incarnation: 0),
            SWIMUpdate(member: Self.member("n5"), status: .left, incarnation: 1),
            SWIMUpdate(member: Self.member("gateway", role: .gateway), status: .alive, incarnation: 0),
        ]
        #expect(members.dataMembers == ["n1", "n2", "n4"])
        #expect(members.suspects == ["n2"])
        #expect(members.endpoint(of: "n4")?.description == "n4:1")  // gossip knows where a joiner is
        #expect(members.endpoint(of: "n1")?.description == "n1:1")  // and gossip's address wins
        let map = members.shardMap(partitionCount: 16, replicationFactor: 2)
        #expect(Set((0..<16).flatMap(map.replicas(of:))) == ["n1", "n2", "n4"])
    }

    @Test func aSuspicionShortensWithEachIndependentConfirmation() {
        var instance = SWIMInstance<ContinuousClock.Instant>(myself: Self.member("me"), seeds: [], now: .now, randomSeed: 1)
        let now = ContinuousClock.now
        for name in ["a", "b", "c", "d", "e"] {
            _ = instance.receive(
                SWIMEnvelope(from: Self.member(name), fromIncarnation: 0, message: .gossip, updates: []), now: now
            )
        }
        let timeouts = (0...4).map { instance.suspicionTimeout(confirmations: $0) }
        #expect(timeouts == timeouts.sorted(by: >))
        #expect(timeouts[0] == timeouts[3] * SWIMSettings.defaults.maximumMultiplier)
        #expect(timeouts[3] == timeouts[4])  // three confirmations reach the minimum
        #expect(timeouts[3] == SWIMSettings.defaults.minimumSuspicion)
    }

    @Test func aMemberToldItIsSuspectRefutesWithAHigherIncarnation() {
        let me = Self.member("me")
        var instance = SWIMInstance<ContinuousClock.Instant>(myself: me, seeds: [], now: .now, randomSeed: 1)
        let rumour = SWIMUpdate(member: me, status: .suspect, incarnation: 0, suspectedBy: ["a"])
        let directives = instance.receive(SWIMEnvelope(from: Self.member("a"), fromIncarnation: 0, message: .ping(sequence: 7), updates: [rumour]), now: .now)
        #expect(instance.incarnation == 1)
        // The ack carries the refutation.
        let ack = directives.compactMap { directive -> SWIMEnvelope? in
            if case .send(let envelope, "a:1") = directive { return envelope } else { return nil }
        }.first
        #expect(ack?.message == .ack(sequence: 7, target: me.id))
        #expect(ack?.fromIncarnation == 1)
        #expect(ack?.updates.contains { $0.member.id == me.id && $0.status == .alive && $0.incarnation == 1 } == true)
    }
}
