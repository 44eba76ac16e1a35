extension SWIMInstance {
    /// Starts a probe round on the next member in the (shuffled, round-robin) order;
    /// with nobody known yet, asks the seeds for their member lists instead.
    mutating func startProbe(now: Instant, into directives: inout [SWIMDirective]) {
        let period = settings.probeInterval * (localHealth + 1)
        nextProbeAt = now.advanced(by: period)
        guard let target = nextProbeTarget() else {
            for seed in seeds { directives.append(send(.sync(reply: false), to: seed, updates: [selfUpdate])) }
            return
        }
        sequence += 1
        statistics.probes += 1
        probe = Probe(
            target: target, sequence: sequence,
            indirectAt: now.advanced(by: settings.pingTimeout * (localHealth + 1)), endsAt: nextProbeAt
        )
        directives.append(send(.ping(sequence: sequence), to: target.address, buddy: target.name))
    }

    /// Sends the indirect probes when the direct ping is late, and ends the round:
    /// a target that answered nobody becomes suspect.
    mutating func advanceProbe(now: Instant, into directives: inout [SWIMDirective]) {
        guard var current = probe else { return }
        if !current.indirectSent, now >= current.indirectAt {
            current.indirectSent = true
            let helpers = reachable.filter { $0.name != current.target.name }.shuffled(using: &random).prefix(settings.indirectProbes)
            // With nobody to ask, the round's answer is in.
            if helpers.isEmpty { current.endsAt = min(current.endsAt, now) }
            current.expectedNacks = helpers.count
            statistics.indirectProbes += helpers.count
            for helper in helpers {
                directives.append(send(.pingRequest(sequence: current.sequence, target: current.target), to: helper.address))
            }
        }
        probe = current
        guard now >= current.endsAt else { return }
        probe = nil
        statistics.failedProbes += 1
        // Lifeguard: a failed probe, and each missing nack, say this member may be the slow one.
        let missingNacks = current.expectedNacks - current.nackedBy.count
        raiseLocalHealth(by: 1 + (missingNacks > 0 ? 1 : 0))
        // The relays that nacked failed to reach the target from where they are: they
        // count as confirmations (a prober that is itself the slow one gets no nacks).
        suspect(current.target, by: [myself.name] + current.nackedBy.sorted(), now: now, into: &directives)
    }

    /// Declares `target` suspect when this member still thinks it alive.
    mutating func suspect(_ target: SWIMMember, by suspecters: [String], now: Instant, into directives: inout [SWIMDirective]) {
        guard let entry = members[target.name], entry.update.member.id == target.id, entry.update.status == .alive else { return }
        let update = SWIMUpdate(member: target, status: .suspect, incarnation: entry.update.incarnation, suspectedBy: suspecters)
        apply(update, now: now, into: &directives)
    }

    mutating func raiseLocalHealth(by amount: Int) {
        localHealth = min(settings.maximumLocalHealth, localHealth + amount)
    }

    /// Round-robin over a shuffled order, reshuffled at the end of each pass (SWIM's
    /// bound on the time until every member is probed).
    private mutating func nextProbeTarget() -> SWIMMember? {
        for _ in 0..<2 {
            while let name = probeOrder.popLast() {
                if let entry = members[name], entry.update.status.holdsData { return entry.update.member }
            }
            probeOrder = reachable.map(\.name).shuffled(using: &random)
        }
        return nil
    }
}
