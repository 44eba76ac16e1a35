/// Timings and sizes of the membership protocol. The defaults follow DESIGN.md §7
/// for one machine or a LAN: probe every 500 ms, direct ping timeout 150 ms, two
/// indirect probes, gossip to 3 members every 200 ms, a full sync every 15 s.
package struct SWIMSettings: Sendable, Hashable {
    /// One probe round: a direct ping, and indirect ones if it stays unanswered.
    package var probeInterval: Duration
    /// How long the direct ping may take before indirect probes are sent.
    package var pingTimeout: Duration
    /// Members asked to probe a silent target on the prober's behalf.
    package var indirectProbes: Int
    /// Lifeguard's local health multiplier ceiling: a member that misses its own
    /// deadlines (overloaded, paused) stretches its probe timings up to (max + 1)×.
    package var maximumLocalHealth: Int
    /// Suspicion timeout, Lifeguard style: it starts at `maximumMultiplier` × the
    /// minimum and falls towards the minimum as independent members confirm the
    /// suspicion. The minimum is `suspicionMultiplier` × log10(members) × the probe
    /// interval, and never below `minimumSuspicion`.
    package var suspicionMultiplier: Double
    package var maximumMultiplier: Double
    package var minimumSuspicion: Duration
    /// Confirmations that bring the suspicion timeout down to its minimum.
    package var expectedConfirmations: Int
    /// Gossip fan-out and period.
    package var gossipInterval: Duration
    package var gossipFanout: Int
    /// Updates piggybacked on one message, at most.
    package var maximumPiggyback: Int
    /// Each update is sent this many × log2(members + 1) times, then dropped.
    package var retransmitMultiplier: Int
    /// A full member list goes to one random member this often.
    package var syncInterval: Duration
    /// And to one random dead member this often: after a network partition heals, that
    /// is how the two sides find each other again (the dead one learns what it is
    /// thought to be, and refutes). More often than the live sync, so that a healed
    /// partition is whole again within seconds; one small message, only while some
    /// member is dead.
    package var deadSyncInterval: Duration = .seconds(2)
    /// Dead and left members are forgotten after this (until then they block stale
    /// gossip from bringing them back).
    package var tombstoneLifetime: Duration

    package static var defaults: SWIMSettings {
        SWIMSettings(
            probeInterval: .milliseconds(500), pingTimeout: .milliseconds(150), indirectProbes: 2,
            maximumLocalHealth: 8, suspicionMultiplier: 1.5, maximumMultiplier: 2.5, minimumSuspicion: .milliseconds(800),
            expectedConfirmations: 3, gossipInterval: .milliseconds(200), gossipFanout: 3, maximumPiggyback: 8,
            retransmitMultiplier: 4, syncInterval: .seconds(15), tombstoneLifetime: .seconds(600)
        )
    }
}
