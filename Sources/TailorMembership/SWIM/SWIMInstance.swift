import TailorCRDT

/// One member's side of SWIM with the Lifeguard refinements, as a pure state
/// machine: the shell hands it what arrived and the time, and performs what it
/// returns (DESIGN.md §7; the shape of swift-cluster-membership's `SWIMInstance`).
///
/// It owns no clock, no socket and no randomness it was not given: `Instant` is any
/// clock's instant (the simulation runs on a fake one), and the random choices
/// (probe order, gossip targets) come from a seeded generator, so a run replays
/// from its seed. The shell calls ``tick(now:)`` often (every few tens of
/// milliseconds); deadlines are checked there.
package struct SWIMInstance<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    package let settings: SWIMSettings
    package let myself: SWIMMember
    /// Raised only to refute a suspicion or a death, and on leaving.
    package internal(set) var incarnation: UInt64 = 0
    /// Lifeguard's local health multiplier, 0 (healthy) ... `settings.maximumLocalHealth`.
    package internal(set) var localHealth = 0
    package internal(set) var statistics = SWIMStatistics()
    package internal(set) var isLeaving = false

    /// Everyone else this member has heard of, by name.
    var members: [String: Entry] = [:]
    var seeds: [String]
    var random: SWIMRandom
    var sequence: UInt64 = 0
    var probe: Probe?
    var probeOrder: [String] = []
    var relays: [UInt64: Relay] = [:]
    var suspicions: [String: Suspicion] = [:]
    var dissemination: [String: Pending] = [:]
    var nextProbeAt: Instant
    var nextGossipAt: Instant
    var nextSyncAt: Instant
    var nextDeadSyncAt: Instant

    struct Entry: Sendable {
        var update: SWIMUpdate
        var changedAt: Instant
    }

    /// The probe of the current round.
    struct Probe: Sendable {
        var target: SWIMMember
        var sequence: UInt64
        var indirectAt: Instant
        var endsAt: Instant
        var indirectSent = false
        var expectedNacks = 0
        /// Relays that could not reach the target either.
        var nackedBy: Set<String> = []
    }

    /// A ping sent on another member's behalf (`pingRequest`).
    struct Relay: Sendable {
        var origin: String
        var originSequence: UInt64
        var target: SWIMMemberID
        var targetAddress: String
        var nackAt: Instant
    }

    struct Suspicion: Sendable {
        var startedAt: Instant
        var suspectedBy: Set<String>
    }

    struct Pending: Sendable {
        var update: SWIMUpdate
        var transmissions: Int
    }

    /// - Parameters:
    ///   - seeds: addresses (`host:port`) to join through; this member's own is skipped.
    ///   - randomSeed: seeds the generator behind probe order and gossip targets.
    package init(myself: SWIMMember, settings: SWIMSettings = .defaults, seeds: [String], now: Instant, randomSeed: UInt64) {
        self.myself = myself
        self.settings = settings
        self.seeds = seeds.filter { $0 != myself.address }
        self.random = SWIMRandom(seed: randomSeed ^ myself.id.generation)
        nextProbeAt = now
        nextGossipAt = now
        nextSyncAt = now.advanced(by: settings.syncInterval)
        nextDeadSyncAt = now.advanced(by: settings.deadSyncInterval)
    }

    // MARK: Reading

    /// This member's own claim about itself.
    package var selfUpdate: SWIMUpdate {
        SWIMUpdate(member: myself, status: isLeaving ? .left : .alive, incarnation: incarnation)
    }

    /// Every member known, this one included, sorted by name.
    package var view: [SWIMUpdate] {
        ([selfUpdate] + members.values.map(\.update)).sorted { $0.member.name < $1.member.name }
    }

    /// The status of the member named `name` as this member sees it.
    package func status(of name: String) -> SWIMStatus? {
        name == myself.name ? selfUpdate.status : members[name]?.update.status
    }

    /// The names the shard map is computed from: nodes that are alive or suspect.
    package var dataMembers: [String] {
        view.filter { $0.member.role == .node && $0.status.holdsData }.map(\.member.name)
    }

    /// Members worth talking to: alive or suspect, not this one.
    var reachable: [SWIMMember] {
        members.values.filter { $0.update.status.holdsData }.map(\.update.member).sorted { $0.name < $1.name }
    }
}

/// What the shell does on the instance's behalf.
package enum SWIMDirective: Sendable, Hashable {
    /// Send `envelope` to the member listening at `address` (best effort: a lost
    /// message is what the protocol expects now and then).
    case send(SWIMEnvelope, to: String)
    /// A member's status changed as this member sees it (recompute the shard map, log).
    case changed(SWIMMemberChange)
}

package struct SWIMMemberChange: Sendable, Hashable {
    package var member: SWIMMember
    /// nil: first heard of.
    package var previous: SWIMStatus?
    package var status: SWIMStatus
    package var incarnation: UInt64
}

/// Counts since start, for `GET /v1/cluster` and the measurements.
package struct SWIMStatistics: Sendable, Hashable {
    package var probes = 0
    package var failedProbes = 0
    package var indirectProbes = 0
    package var refutations = 0
    package var gossipRounds = 0
    package var syncs = 0
    package var messagesSent = 0
    package var updatesSent = 0
}

/// SplitMix64 on ``StableHash/mix(_:_:)``: seeded, the same on every platform.
struct SWIMRandom: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return StableHash.mix(state, 0)
    }
}
