import Foundation

extension SWIMInstance {
    /// Takes in a claim about a member: adopts it when it overrides what this member
    /// knew (and passes it on), refutes it when it is about this member, and keeps
    /// suspicions and their confirmations.
    mutating func apply(_ update: SWIMUpdate, now: Instant, into directives: inout [SWIMDirective]) {
        if update.member.name == myself.name {
            refuteIfNeeded(update)
            return
        }
        let name = update.member.name
        guard let existing = members[name] else {
            members[name] = Entry(update: update, changedAt: now)
            adopted(update, previous: nil, now: now, into: &directives)
            return
        }
        if update.overrides(existing.update) {
            members[name] = Entry(update: update, changedAt: now)
            adopted(update, previous: existing.update, now: now, into: &directives)
        } else if update.status == .suspect, existing.update.status == .suspect,
            update.member.id == existing.update.member.id, update.incarnation == existing.update.incarnation
        {
            // Another member's suspicion of the same incarnation: an independent confirmation.
            let fresh = Set(update.suspectedBy).subtracting(suspicions[name]?.suspectedBy ?? [])
            guard !fresh.isEmpty else { return }
            suspicions[name]?.suspectedBy.formUnion(fresh)
            var merged = existing.update
            merged.suspectedBy = Array(suspicions[name]?.suspectedBy ?? []).sorted().prefix(settings.expectedConfirmations + 1).map { $0 }
            members[name]?.update = merged
            enqueue(merged)
        }
    }

    private mutating func adopted(_ update: SWIMUpdate, previous: SWIMUpdate?, now: Instant, into directives: inout [SWIMDirective]) {
        let name = update.member.name
        if update.status == .suspect {
            suspicions[name] = Suspicion(startedAt: now, suspectedBy: Set(update.suspectedBy))
        } else {
            suspicions[name] = nil
        }
        enqueue(update)
        if previous?.status != update.status || previous?.member.id != update.member.id {
            directives.append(.changed(SWIMMemberChange(
                member: update.member, previous: previous?.member.id == update.member.id ? previous?.status : nil,
                status: update.status, incarnation: update.incarnation
            )))
        }
    }

    /// Someone says this member is suspect or dead: outbid them with a higher incarnation.
    private mutating func refuteIfNeeded(_ update: SWIMUpdate) {
        guard update.member.id.generation == myself.id.generation, update.status != .alive, !isLeaving,
            update.incarnation >= incarnation
        else { return }
        incarnation = update.incarnation + 1
        statistics.refutations += 1
        // Lifeguard: being suspected hints that this member is the slow one.
        raiseLocalHealth(by: 1)
        enqueue(selfUpdate)
    }

    /// Declares dead every suspect whose suspicion ran out (Lifeguard's timeout:
    /// shorter the more members independently confirm it).
    mutating func expireSuspicions(now: Instant, into directives: inout [SWIMDirective]) {
        for (name, suspicion) in suspicions {
            guard now >= suspicion.startedAt.advanced(by: suspicionTimeout(confirmations: suspicion.suspectedBy.count - 1)),
                let entry = members[name], entry.update.status == .suspect
            else { continue }
            var dead = entry.update
            dead.status = .dead
            dead.suspectedBy = []
            apply(dead, now: now, into: &directives)
        }
    }

    /// Lifeguard's suspicion timeout for `confirmations` independent confirmations.
    package func suspicionTimeout(confirmations: Int) -> Duration {
        let count = Double(reachable.count + 1)
        let minimum = max(settings.minimumSuspicion, settings.probeInterval * (settings.suspicionMultiplier * max(1, log10(count))))
        let maximum = minimum * settings.maximumMultiplier
        let expected = min(settings.expectedConfirmations, reachable.count - 1)
        guard expected >= 1 else { return minimum }
        let fraction = log(Double(max(0, confirmations)) + 1) / log(Double(expected) + 1)
        return max(minimum, maximum - (maximum - minimum) * fraction)
    }

    /// Queues an update for piggybacking, replacing any older one about the same member.
    mutating func enqueue(_ update: SWIMUpdate) {
        dissemination[update.member.name] = Pending(update: update, transmissions: 0)
    }

    /// The updates to carry on the next message: the least sent first (the probe
    /// target's own first, Lifeguard's buddy system, so a suspect learns of it at
    /// once); each is dropped after `retransmitMultiplier` × log2(members + 1) sends.
    mutating func piggyback(first buddy: String? = nil) -> [SWIMUpdate] {
        guard !dissemination.isEmpty else { return [] }
        let limit = settings.retransmitMultiplier * Int(log2(Double(members.count + 2)).rounded(.up))
        var names = dissemination.keys.sorted {
            let left = dissemination[$0]!.transmissions, right = dissemination[$1]!.transmissions
            return left != right ? left < right : $0 < $1
        }
        if let buddy, let position = names.firstIndex(of: buddy) {
            names.remove(at: position)
            names.insert(buddy, at: 0)
        }
        var carried: [SWIMUpdate] = []
        for name in names.prefix(settings.maximumPiggyback) {
            guard var pending = dissemination[name] else { continue }
            carried.append(pending.update)
            pending.transmissions += 1
            dissemination[name] = pending.transmissions >= limit ? nil : pending
        }
        return carried
    }

    /// The periodic gossip: pending updates to a few random members.
    mutating func gossip(into directives: inout [SWIMDirective]) {
        guard !dissemination.isEmpty else { return }
        statistics.gossipRounds += 1
        for member in reachable.shuffled(using: &random).prefix(settings.gossipFanout) {
            directives.append(send(.gossip, to: member.address))
        }
    }

    /// Every member known, this one included: what a sync carries.
    func fullState() -> [SWIMUpdate] {
        [selfUpdate] + members.values.map(\.update).sorted { $0.member.name < $1.member.name }
    }

    /// Up to `count` random reachable members: where the shell sends this round's
    /// counter delta (with membership updates piggybacked).
    package mutating func gossipTargets(count: Int) -> [SWIMMember] {
        Array(reachable.shuffled(using: &random).prefix(count))
    }

    /// A `.gossip` envelope carrying the pending membership updates, for a message
    /// the shell sends on its own (counters).
    package mutating func gossipEnvelope() -> SWIMEnvelope {
        guard case .send(let envelope, _) = send(.gossip, to: "") else { preconditionFailure("send returns .send") }
        return envelope
    }
}
