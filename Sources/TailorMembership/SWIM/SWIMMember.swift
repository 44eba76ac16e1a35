/// One process in the cluster: its name (stable across restarts, what the shard map
/// hashes) and a generation number fresh at every start (a restarted process is a
/// new generation, so its predecessor's death never has to be argued away).
package struct SWIMMemberID: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var name: String
    /// Chosen at start, larger than any earlier generation of the same name (the
    /// shell uses the start time in microseconds).
    package var generation: UInt64

    package init(name: String, generation: UInt64) {
        self.name = name
        self.generation = generation
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.name, lhs.generation) < (rhs.name, rhs.generation)
    }

    package var description: String { "\(name)#\(generation)" }
}

/// What a member does in the cluster: nodes hold partitions, gateways hold none.
package enum SWIMRole: String, Sendable, Hashable, CaseIterable {
    case node
    case gateway
}

/// A member as gossip carries it: who, where to reach it, and its role.
package struct SWIMMember: Sendable, Hashable, CustomStringConvertible {
    package var id: SWIMMemberID
    /// `host:port` of its internal HTTP/2 listener.
    package var address: String
    package var role: SWIMRole

    package init(id: SWIMMemberID, address: String, role: SWIMRole) {
        self.id = id
        self.address = address
        self.role = role
    }

    package var name: String { id.name }
    package var description: String { "\(id)@\(address)" }
}

/// A member's state as one member sees it (SWIM with Lifeguard's refinements).
package enum SWIMStatus: String, Sendable, Hashable, CaseIterable {
    /// Answering probes, or not yet shown otherwise.
    case alive
    /// Missed a direct and an indirect probe; declared dead when its suspicion times
    /// out unless it refutes with a higher incarnation first.
    case suspect
    /// Its suspicion timed out. It may still refute (it was only slow), with a higher
    /// incarnation; a restart comes back as a new generation instead.
    case dead
    /// Said goodbye (graceful leave). Final for its generation.
    case left

    /// Whether it still counts for the shard map: a suspect keeps its partitions
    /// until it is declared dead, so that one slow answer moves nothing.
    package var holdsData: Bool { self == .alive || self == .suspect }
}

/// A claim about one member, as gossip spreads it.
package struct SWIMUpdate: Sendable, Hashable {
    package var member: SWIMMember
    package var status: SWIMStatus
    /// Only the member itself raises it, to refute a suspicion or a death.
    package var incarnation: UInt64
    /// For `suspect`: the members that suspect it (Lifeguard's independent
    /// confirmations shorten the suspicion timeout).
    package var suspectedBy: [String]

    package init(member: SWIMMember, status: SWIMStatus, incarnation: UInt64, suspectedBy: [String] = []) {
        self.member = member
        self.status = status
        self.incarnation = incarnation
        self.suspectedBy = suspectedBy
    }

    /// Whether this claim replaces `current` (about a member with the same name).
    ///
    /// A later generation replaces an earlier one whatever either says; within a
    /// generation `left` is final, and otherwise the usual SWIM order applies: a higher
    /// incarnation wins; at the same incarnation dead beats suspect beats alive.
    package func overrides(_ current: SWIMUpdate) -> Bool {
        if member.id.generation != current.member.id.generation {
            return member.id.generation > current.member.id.generation
        }
        if current.status == .left { return false }
        if status == .left { return true }
        if incarnation != current.incarnation { return incarnation > current.incarnation }
        return status.rank > current.status.rank
    }
}

extension SWIMStatus {
    /// Precedence at equal incarnation.
    fileprivate var rank: Int {
        switch self {
        case .alive: 0
        case .suspect: 1
        case .dead: 2
        case .left: 3
        }
    }
}
