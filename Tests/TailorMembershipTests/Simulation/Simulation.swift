import TailorCRDT
import TailorMembership

/// Runs many SWIM members in one process on a fake clock over ``NetworkConditions``,
/// deterministically: the same seed gives the same run, message for message.
struct Simulation {
    typealias Instance = SWIMInstance<SimInstant>

    let seed: UInt64
    var network = NetworkConditions()
    private(set) var now = SimInstant.zero
    private(set) var instances: [String: Instance] = [:]
    /// Each member's counters, gossiped as the shell does: the delta every 200 ms to
    /// three reachable members, the bucket digest every second to one (answered with
    /// the buckets that differ, and those answered with the sender's own).
    private(set) var counters: [String: CounterGossip] = [:]
    /// Members stopped for good (SIGKILL): they neither tick nor receive.
    private(set) var killed: Set<String> = []
    private(set) var paused: Set<String> = []
    /// Every status change each member saw: (observer, subject, status, time).
    private(set) var changes: [(observer: String, subject: String, status: SWIMStatus, at: SimInstant)] = []
    private(set) var messagesSent = 0
    private var random: SimRandom
    private var queue: [Delivery] = []
    private var held: [String: [Delivery]] = [:]
    private var order: UInt64 = 0
    private var generation: UInt64 = 1
    static let tick = Duration.milliseconds(10)
    /// The simulated wall clock at t = 0, for the counters.
    static let epochMillis: Int64 = 1_767_225_600_000
    var nowMillis: Int64 { Self.epochMillis + now.nanoseconds / 1_000_000 }
    private var ticks = 0

    /// `member` counts an interaction of its own (as a gateway does for accepted events).
    mutating func count(at member: String, product: String, weight: Double, eventID: String) {
        let at = nowMillis
        counters[member]?.count(product: product, weight: weight, atMillis: at, eventID: eventID)
    }

    init(seed: UInt64) {
        self.seed = seed
        random = SimRandom(state: seed)
    }

    /// Starts a member that joins through `seeds` (member names: addresses are names here).
    mutating func start(_ name: String, role: SWIMRole = .node, seeds: [String], settings: SWIMSettings = .defaults) {
        generation += 1
        let member = SWIMMember(id: SWIMMemberID(name: name, generation: generation), address: name, role: role)
        instances[name] = Instance(myself: member, settings: settings, seeds: seeds, now: now, randomSeed: seed &+ generation)
        counters[name] = CounterGossip(slot: SlotID(member: name, incarnation: generation), landmark: Self.epochMillis)
        killed.remove(name)
    }

    mutating func kill(_ name: String) { killed.insert(name) }
    mutating func pause(_ name: String) { paused.insert(name) }

    mutating func resume(_ name: String) {
        paused.remove(name)
        for delivery in held.removeValue(forKey: name) ?? [] { schedule(delivery) }
    }

    mutating func leave(_ name: String) {
        guard var instance = instances[name] else { return }
        let directives = instance.leave(now: now)
        instances[name] = instance
        perform(directives, from: name)
    }

    /// Advances the clock by `duration`, delivering messages and ticking every live member every 10 ms.
    mutating func run(for duration: Duration) {
        let end = now.advanced(by: duration)
        while now < end {
            let next = now.advanced(by: Self.tick)
            while let first = queue.first, first.at <= next {
                queue.removeFirst()
                now = max(now, first.at)
                deliver(first)
            }
            now = next
            ticks += 1
            for name in instances.keys.sorted() where !killed.contains(name) && !paused.contains(name) {
                let directives = instances[name]!.tick(now: now)
                perform(directives, from: name)
                counterRound(name)
            }
        }
    }

    /// Runs until `condition` holds (checked every tick) or `limit` passes; returns whether it held.
    mutating func run(until limit: Duration, _ condition: (Simulation) -> Bool) -> Bool {
        let end = now.advanced(by: limit)
        while now < end {
            if condition(self) { return true }
            run(for: Self.tick)
        }
        return condition(self)
    }

    /// Members still running (not killed), and their views.
    var running: [String] { instances.keys.filter { !killed.contains($0) }.sorted() }

    func status(of subject: String, seenBy observer: String) -> SWIMStatus? {
        instances[observer]?.status(of: subject)
    }

    private mutating func counterRound(_ name: String) {
        var targets: [SWIMMember] = []
        if ticks % 20 == 0, let delta = counters[name]?.delta() {
            targets = instances[name]!.gossipTargets(count: 3)
            for target in targets { transmit(SWIMEnvelopeBox(counters: delta), from: name, to: target.address) }
        }
        if ticks % 100 == 0, let digest = counters[name]?.digest {
            for target in instances[name]!.gossipTargets(count: 1) {
                transmit(SWIMEnvelopeBox(counterDigest: digest, from: name), from: name, to: target.address)
            }
        }
    }

    private mutating func deliver(_ delivery: Delivery) {
        let name = delivery.to
        guard !killed.contains(name), var instance = instances[name] else { return }
        if paused.contains(name) {
            held[name, default: []].append(delivery)
            return
        }
        if let delta = delivery.envelope.counters {
            let at = nowMillis
            _ = counters[name]?.receive(delta, nowMillis: at)
        }
        if let sender = delivery.envelope.from, let gossip = counters[name] {
            if let digest = delivery.envelope.counterDigest, let answer = gossip.answer(digest: digest) {
                transmit(SWIMEnvelopeBox(counters: answer.state, wantedBuckets: answer.buckets, from: name), from: name, to: sender)
            }
            if let wanted = delivery.envelope.wantedBuckets {
                transmit(SWIMEnvelopeBox(counters: gossip.state(ofBuckets: wanted), from: name), from: name, to: sender)
            }
        }
        if delivery.envelope.value == nil { return }
        guard let envelope = delivery.envelope.value else { return }
        let directives = instance.receive(envelope, now: now)
        instances[name] = instance
        perform(directives, from: name)
    }

    private mutating func perform(_ directives: [SWIMDirective], from sender: String) {
        for directive in directives {
            switch directive {
            case .send(let envelope, let address):
                transmit(SWIMEnvelopeBox(value: envelope), from: sender, to: address)
            case .changed(let change):
                changes.append((observer: sender, subject: change.member.name, status: change.status, at: now))
            }
        }
    }

    private mutating func transmit(_ payload: SWIMEnvelopeBox, from sender: String, to address: String) {
        messagesSent += 1
        // A killed member's connections are refused at once (a partition stays silent).
        if killed.contains(address), network.connected(sender, address), payload.value != nil, var instance = instances[sender] {
            let directives = instance.undeliverable(to: address, now: now)
            instances[sender] = instance
            perform(directives, from: sender)
            return
        }
        guard network.connected(sender, address), random.unit() >= network.loss else { return }
        let delay = network.delay.lowerBound + random.unit() * (network.delay.upperBound - network.delay.lowerBound)
        order += 1
        schedule(Delivery(at: now.advanced(by: .nanoseconds(Int64(delay * 1e9))), order: order, to: address, envelope: payload))
    }

    private mutating func schedule(_ delivery: Delivery) {
        // Binary insertion keeps the queue sorted; runs are small enough for an array.
        var low = 0, high = queue.count
        while low < high {
            let middle = (low + high) / 2
            if queue[middle] < delivery { low = middle + 1 } else { high = middle }
        }
        queue.insert(delivery, at: low)
    }
}
