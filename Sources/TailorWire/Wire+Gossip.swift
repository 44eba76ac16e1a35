public import TailorCRDT
public import TailorMembership

extension WireGossipMember {
    public init(_ member: SWIMMember) {
        self.init()
        name = member.name
        generation = member.id.generation
        address = member.address
        role = member.role == .gateway ? .gateway : .node
    }

    public var model: SWIMMember {
        SWIMMember(id: SWIMMemberID(name: name, generation: generation), address: address, role: role == .gateway ? .gateway : .node)
    }
}

extension WireGossipUpdate {
    public init(_ update: SWIMUpdate) {
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
    public var model: SWIMUpdate? {
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
    public init(_ envelope: SWIMEnvelope) {
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
    public var model: SWIMEnvelope? {
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

extension WireCounterState {
    public init(_ delta: CounterDelta) {
        self.init()
        landmarkMillis = delta.landmark
        products = delta.products.sorted { $0.key < $1.key }.map { product, slots in
            var wire = WireProductCounters()
            wire.product = product
            wire.slots = slots.sorted { $0.key < $1.key }.map { id, slot in
                var counter = WireCounterSlot()
                counter.member = id.member
                counter.incarnation = id.incarnation
                counter.long = slot.long
                counter.short = slot.short
                return counter
            }
            return wire
        }
    }

    public var model: CounterDelta {
        var products: [String: [SlotID: Slot]] = [:]
        for entry in self.products {
            for counter in entry.slots {
                products[entry.product, default: [:]][SlotID(member: counter.member, incarnation: counter.incarnation)] =
                    Slot(long: counter.long, short: counter.short)
            }
        }
        return CounterDelta(landmark: landmarkMillis, products: products)
    }
}
