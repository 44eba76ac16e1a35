import TailorMembership
import TailorWire

// SWIM's values on the wire: here rather than in TailorWire, which knows no membership types.

extension WireGossipMember {
    init(_ member: SWIMMember) {
        self.init()
        name = member.name
        generation = member.id.generation
        address = member.address
        role = member.role == .gateway ? .gateway : .node
    }

    var model: SWIMMember {
        SWIMMember(id: SWIMMemberID(name: name, generation: generation), address: address, role: role == .gateway ? .gateway : .node)
    }
}

extension WireGossipUpdate {
    init(_ update: SWIMUpdate) {
        self.init()
        member = WireGossipMember(update.member)
        status = switch update.status {
        case .alive: .alive
        case .suspect: .suspect
        case .dead: .dead
        case .left: .left
        }
        incarnation = update.incarnation
        suspectedBy = update.suspectedBy
    }

    /// nil for a status this version does not know.
    var model: SWIMUpdate? {
        let status: SWIMStatus
        switch self.status {
        case .alive: status = .alive
        case .suspect: status = .suspect
        case .dead: status = .dead
        case .left: status = .left
        case .UNRECOGNIZED: return nil
        }
        return SWIMUpdate(member: member.model, status: status, incarnation: incarnation, suspectedBy: suspectedBy)
    }
}

extension WireGossipEnvelope {
    init(_ envelope: SWIMEnvelope) {
        self.init()
        from = WireGossipMember(envelope.from)
        fromIncarnation = envelope.fromIncarnation
        updates = envelope.updates.map(WireGossipUpdate.init)
        switch envelope.message {
        case .gossip:
            kind = .gossip
        case .ping(let sequence):
            kind = .ping
            self.sequence = sequence
        case .pingRequest(let sequence, let target):
            kind = .pingRequest
            self.sequence = sequence
            self.target = WireGossipMember(target)
        case .ack(let sequence, let target):
            kind = .ack
            self.sequence = sequence
            self.target = WireGossipMember(SWIMMember(id: target, address: "", role: .node))
        case .nack(let sequence, let target):
            kind = .nack
            self.sequence = sequence
            self.target = WireGossipMember(SWIMMember(id: target, address: "", role: .node))
        case .sync(let reply):
            kind = reply ? .syncReply : .sync
        }
    }

    /// The envelope, or nil when it names no sender or a kind this version does not know.
    var model: SWIMEnvelope? {
        guard hasFrom, !from.name.isEmpty, !from.address.isEmpty else { return nil }
        let message: SWIMMessage
        switch kind {
        case .gossip: message = .gossip
        case .ping: message = .ping(sequence: sequence)
        case .pingRequest:
            guard hasTarget, !target.address.isEmpty else { return nil }
            message = .pingRequest(sequence: sequence, target: target.model)
        case .ack: message = .ack(sequence: sequence, target: target.model.id)
        case .nack: message = .nack(sequence: sequence, target: target.model.id)
        case .sync: message = .sync(reply: false)
        case .syncReply: message = .sync(reply: true)
        case .UNRECOGNIZED: return nil
        }
        return SWIMEnvelope(
            from: from.model, fromIncarnation: fromIncarnation, message: message, updates: updates.compactMap(\.model)
        )
    }
}
