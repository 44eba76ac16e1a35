/// What members send each other (the protocol of SWIM, Das et al. 2002, with the
/// Lifeguard refinements, Dadgar et al. 2018). Every message carries its sender and
/// a few membership updates (piggybacked gossip), so dissemination costs no extra
/// messages while probes flow.
package struct SWIMEnvelope: Sendable, Hashable {
    package var from: SWIMMember
    /// The sender's own incarnation.
    package var fromIncarnation: UInt64
    package var message: SWIMMessage
    package var updates: [SWIMUpdate]

    package init(from: SWIMMember, fromIncarnation: UInt64, message: SWIMMessage, updates: [SWIMUpdate]) {
        self.from = from
        self.fromIncarnation = fromIncarnation
        self.message = message
        self.updates = updates
    }
}

package enum SWIMMessage: Sendable, Hashable {
    /// Are you there? Answered by `ack` with the same sequence number.
    case ping(sequence: UInt64)
    /// Please ping `target` for me and relay its `ack` (or a `nack` if it stays silent).
    case pingRequest(sequence: UInt64, target: SWIMMember)
    /// `target` answered the probe numbered `sequence` (sent by the target, or relayed).
    case ack(sequence: UInt64, target: SWIMMemberID)
    /// The relay of a `pingRequest` heard nothing from the target in time (Lifeguard:
    /// a prober that gets no nack either learns that it is itself the slow one).
    case nack(sequence: UInt64, target: SWIMMemberID)
    /// Updates only: the periodic gossip to a few random members.
    case gossip
    /// The full member list, to a seed when joining and to a random member now and
    /// then (anti-entropy); the receiver merges it and answers with its own (`reply`).
    case sync(reply: Bool)
}
