extension SWIMInstance {
    /// Advances the protocol to `now`: indirect probes and the end of the probe round,
    /// a new round when due, relays' nacks, suspicions that time out, the periodic
    /// gossip and sync, forgotten tombstones.
    package mutating func tick(now: Instant) -> [SWIMDirective] {
        guard !isLeaving else { return [] }
        var directives: [SWIMDirective] = []
        expireRelays(now: now, into: &directives)
        advanceProbe(now: now, into: &directives)
        if probe == nil, now >= nextProbeAt {
            startProbe(now: now, into: &directives)
        }
        expireSuspicions(now: now, into: &directives)
        if now >= nextGossipAt {
            nextGossipAt = now.advanced(by: settings.gossipInterval)
            gossip(into: &directives)
        }
        if now >= nextSyncAt {
            nextSyncAt = now.advanced(by: settings.syncInterval)
            // Anti-entropy with a random live member.
            if let member = reachable.randomElement(using: &random) {
                statistics.syncs += 1
                directives.append(send(.sync(reply: false), to: member.address, updates: fullState()))
            }
        }
        if now >= nextDeadSyncAt {
            nextDeadSyncAt = now.advanced(by: settings.deadSyncInterval)
            // And with a random dead one: after a network partition heals, that is how the
            // two sides find each other again (the dead one learns what it is thought to
            // be, and refutes).
            let dead = members.values.filter { $0.update.status == .dead }.map(\.update.member).sorted { $0.name < $1.name }
            if let member = dead.randomElement(using: &random) {
                statistics.syncs += 1
                directives.append(send(.sync(reply: false), to: member.address, updates: fullState()))
            }
        }
        forgetTombstones(now: now)
        return directives
    }

    /// Handles one message from another member.
    package mutating func receive(_ envelope: SWIMEnvelope, now: Instant) -> [SWIMDirective] {
        guard !isLeaving, envelope.from.name != myself.name else { return [] }
        var directives: [SWIMDirective] = []
        // A message is its sender's word that it is alive at its incarnation.
        apply(SWIMUpdate(member: envelope.from, status: .alive, incarnation: envelope.fromIncarnation), now: now, into: &directives)
        for update in envelope.updates { apply(update, now: now, into: &directives) }

        switch envelope.message {
        case .ping(let sequence):
            directives.append(send(.ack(sequence: sequence, target: myself.id), to: envelope.from.address, buddy: envelope.from.name))
        case .pingRequest(let originSequence, let target):
            sequence += 1
            // The relay's own timer: a nack at 80 % of the prober's indirect window.
            let window = (settings.probeInterval - settings.pingTimeout) * (localHealth + 1)
            relays[sequence] = Relay(
                origin: envelope.from.address, originSequence: originSequence, target: target.id, targetAddress: target.address,
                nackAt: now.advanced(by: window * 0.8)
            )
            directives.append(send(.ping(sequence: sequence), to: target.address, buddy: target.name))
        case .ack(let sequence, let target):
            if let relay = relays.removeValue(forKey: sequence) {
                directives.append(send(.ack(sequence: relay.originSequence, target: target), to: relay.origin))
            } else if let current = probe, current.sequence == sequence, current.target.id == target {
                probe = nil
                localHealth = max(0, localHealth - 1)
            }
        case .nack(let sequence, _):
            if probe?.sequence == sequence {
                probe?.nackedBy.insert(envelope.from.name)
                // Every relay failed too: the round's answer is in, no need to wait for its end.
                if let current = probe, current.indirectSent, current.nackedBy.count >= current.expectedNacks {
                    probe?.endsAt = now
                    advanceProbe(now: now, into: &directives)
                }
            }
        case .gossip:
            break
        case .sync(let reply):
            if !reply {
                directives.append(send(.sync(reply: true), to: envelope.from.address, updates: fullState()))
            }
        }
        return directives
    }

    /// A message to `address` could not even be sent (the connection was refused or
    /// reset: the process is gone, or the network says so). Not proof — SWIM still
    /// needs the indirect probes — but no reason to wait out the timers either: the
    /// probe of that member goes indirect now, and relays pinging it nack at once.
    package mutating func undeliverable(to address: String, now: Instant) -> [SWIMDirective] {
        guard !isLeaving else { return [] }
        var directives: [SWIMDirective] = []
        if let current = probe, current.target.address == address, !current.indirectSent, current.indirectAt > now {
            probe?.indirectAt = now
            advanceProbe(now: now, into: &directives)
        }
        for (sequence, relay) in relays where relay.targetAddress == address {
            relays[sequence] = nil
            directives.append(send(.nack(sequence: relay.originSequence, target: relay.target), to: relay.origin))
        }
        return directives
    }

    /// Leaves the cluster gracefully: tells every reachable member at once (and
    /// answers nothing afterwards). The shell sends these before it exits.
    package mutating func leave(now: Instant) -> [SWIMDirective] {
        guard !isLeaving else { return [] }
        incarnation += 1
        isLeaving = true
        return reachable.map { member in
            statistics.messagesSent += 1
            return .send(SWIMEnvelope(from: myself, fromIncarnation: incarnation, message: .gossip, updates: [selfUpdate]), to: member.address)
        }
    }

    /// An envelope from this member carrying piggybacked updates (or `updates` when given).
    mutating func send(_ message: SWIMMessage, to address: String, buddy: String? = nil, updates: [SWIMUpdate]? = nil) -> SWIMDirective {
        let carried = updates ?? piggyback(first: buddy)
        statistics.messagesSent += 1
        statistics.updatesSent += carried.count
        return .send(SWIMEnvelope(from: myself, fromIncarnation: incarnation, message: message, updates: carried), to: address)
    }

    private mutating func expireRelays(now: Instant, into directives: inout [SWIMDirective]) {
        for (sequence, relay) in relays where now >= relay.nackAt {
            relays[sequence] = nil
            directives.append(send(.nack(sequence: relay.originSequence, target: relay.target), to: relay.origin))
        }
    }

    private mutating func forgetTombstones(now: Instant) {
        for (name, entry) in members where !entry.update.status.holdsData {
            if now >= entry.changedAt.advanced(by: settings.tombstoneLifetime) {
                members[name] = nil
                dissemination[name] = nil
            }
        }
    }
}
