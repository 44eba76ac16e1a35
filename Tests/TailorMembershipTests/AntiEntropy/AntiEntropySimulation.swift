import TailorCRDT

/// What the simulated network does to anti-entropy's messages: each request and each
/// answer is lost with probability `loss`, otherwise delivered after a delay drawn
/// uniformly from `delay` seconds (so messages overtake each other), unless a
/// partition separates sender and receiver (then it is silently dropped).
struct AntiEntropyNetwork {
    var loss = 0.0
    var delay: ClosedRange<Double> = 0.001...0.050
    /// Groups of replica names that can reach only each other; empty: no partition.
    var partition: [Set<String>] = []

    func connected(_ from: String, _ to: String) -> Bool {
        guard !partition.isEmpty else { return true }
        return partition.contains { $0.contains(from) && $0.contains(to) }
    }
}

/// The replicas of one partition reconciling by digests on a fake clock, as
/// `Replication` does over HTTP/2: every `interval` each replica starts a pull pass
/// against a random other replica (unless its current pass is still waiting for an
/// answer younger than `callTimeout`). A pull sends the asker's current digest, the
/// start bucket and the record budget; the responder answers with ``PullPlan``'s whole
/// buckets and the next bucket; the asker commits them and pulls again from there
/// until bucket 64. A lost request or answer leaves the pass waiting: the next round
/// finds it timed out, drops it and starts a new pass (from bucket 0).
///
/// Deterministic: the same seed gives the same run, message for message.
struct AntiEntropySimulation {
    enum Payload {
        case request(digest: PartitionDigest, start: Int, maximumRecords: Int)
        case answer(records: [ReplicatedRecord], nextBucket: Int)
    }

    /// A message in flight, ordered by delivery time, then send order.
    struct Message: Comparable {
        var at: SimInstant
        var order: UInt64
        var from: String
        var to: String
        var pass: UInt64
        var payload: Payload

        static func < (lhs: Message, rhs: Message) -> Bool { (lhs.at, lhs.order) < (rhs.at, rhs.order) }
        static func == (lhs: Message, rhs: Message) -> Bool { lhs.order == rhs.order }
    }

    /// A replica's pull pass under way.
    struct Pass {
        var id: UInt64
        var peer: String
        var start: Int
        var pulls = 0
        var waitingSince: SimInstant
    }

    /// What travelled, summed over the run.
    struct Traffic: Equatable {
        var requests = 0
        var answers = 0
        /// Messages lost to `loss`.
        var lost = 0
        /// Messages dropped by a partition.
        var cut = 0
        /// Records put in answers (whether or not they arrived).
        var recordsSent = 0
        /// Records that changed the asker's replica when committed.
        var recordsStored = 0
        var passesStarted = 0
        var passesCompleted = 0
        var passesAborted = 0
        /// Answers that arrived after their pass was dropped (ignored).
        var staleAnswers = 0
        /// The most records one answer carried.
        var largestAnswer = 0
        /// The most pulls one pass made (completed or not).
        var mostPullsInAPass = 0

        var messages: Int { requests + answers }
    }

    let seed: UInt64
    var network = AntiEntropyNetwork()
    /// The record budget of one pull (`ReplicationSettings.maximumRecordsPerPull`).
    var maximumRecords: Int
    var interval = Duration.seconds(1)
    var callTimeout = Duration.milliseconds(500)
    let names: [String]
    private(set) var replicas: [String: MemoryReplica]
    private(set) var now = SimInstant.zero
    private(set) var traffic = Traffic()
    /// Records arriving in answers of a live pass, by asker.
    private(set) var recordsReceived: [String: Int] = [:]
    /// Pulls of each completed pass, by asker, in completion order.
    private(set) var completedPasses: [String: [Int]] = [:]
    private var random: SimRandom
    private var queue: [Message] = []
    private var order: UInt64 = 0
    private var passes: [String: Pass] = [:]
    private var passCounter: UInt64 = 0
    private var nextRound: [String: SimInstant] = [:]

    init(seed: UInt64, replicas count: Int, maximumRecords: Int) {
        self.seed = seed
        self.maximumRecords = maximumRecords
        names = (0..<count).map { "r\($0)" }
        replicas = Dictionary(uniqueKeysWithValues: names.map { ($0, MemoryReplica(name: $0)) })
        random = SimRandom(state: seed)
        // Replicas' rounds start at random phases within the first interval.
        for name in names {
            nextRound[name] = SimInstant.zero.advanced(by: .nanoseconds(Int64(random.unit() * 1e9)))
        }
    }

    // MARK: Writes

    /// A client's write that reached `targets` only; returns how many stored it.
    @discardableResult
    mutating func write(_ record: ReplicatedRecord, to targets: [String]) -> Int {
        targets.reduce(0) { $0 + replicas[$1]!.commit([record]) }
    }

    /// A random non-empty subset of the replicas (each with probability ½).
    mutating func randomTargets(using random: inout SimRandom) -> [String] {
        let picked = names.filter { _ in random.next() & 1 == 0 }
        return picked.isEmpty ? [names[Int(random.next() % UInt64(names.count))]] : picked
    }

    // MARK: Running

    /// Advances the clock by `duration`, delivering messages and starting rounds in time order.
    mutating func run(for duration: Duration) {
        let end = now.advanced(by: duration)
        while true {
            let round = names.map { ($0, nextRound[$0]!) }.min { $0.1 < $1.1 }!
            if let message = queue.first, message.at <= round.1 {
                guard message.at <= end else { break }
                queue.removeFirst()
                now = max(now, message.at)
                deliver(message)
            } else {
                guard round.1 <= end else { break }
                now = max(now, round.1)
                nextRound[round.0] = round.1.advanced(by: interval)
                startRound(round.0)
            }
        }
        now = end
    }

    /// Runs until `condition` holds (checked every 100 ms) or `limit` passes; returns whether it held.
    mutating func run(until limit: Duration, _ condition: (AntiEntropySimulation) -> Bool) -> Bool {
        let end = now.advanced(by: limit)
        while now < end {
            if condition(self) { return true }
            run(for: .milliseconds(100))
        }
        return condition(self)
    }

    /// Whether every replica holds the same digest.
    var digestsEqual: Bool { Set(names.map { replicas[$0]!.digest }).count == 1 }

    /// Whether every replica holds the same digest and the same records.
    var converged: Bool {
        guard digestsEqual else { return false }
        let first = replicas[names[0]]!.records
        return names.dropFirst().allSatisfy { replicas[$0]!.records == first }
    }

    // MARK: The protocol

    private mutating func startRound(_ name: String) {
        if let pass = passes[name] {
            guard now.nanoseconds - pass.waitingSince.nanoseconds >= Self.nanoseconds(callTimeout) else { return }  // still running
            passes[name] = nil
            traffic.passesAborted += 1
        }
        let others = names.filter { $0 != name }
        let peer = others[Int(random.next() % UInt64(others.count))]
        passCounter += 1
        passes[name] = Pass(id: passCounter, peer: peer, start: 0, waitingSince: now)
        traffic.passesStarted += 1
        sendRequest(from: name)
    }

    private mutating func sendRequest(from asker: String) {
        guard let pass = passes[asker] else { return }
        traffic.requests += 1
        let request = Payload.request(digest: replicas[asker]!.digest, start: pass.start, maximumRecords: maximumRecords)
        transmit(request, from: asker, to: pass.peer, pass: pass.id)
    }

    private mutating func deliver(_ message: Message) {
        switch message.payload {
        case .request(let theirs, let start, let budget):
            // The responder's side (`Replication.pull(_ request:)`).
            let replica = replicas[message.to]!
            let plan = PullPlan(mine: replica.digest, theirs: theirs, start: start, maximumRecords: budget)
            let records = replica.records(in: plan.buckets)
            traffic.answers += 1
            traffic.recordsSent += records.count
            traffic.largestAnswer = max(traffic.largestAnswer, records.count)
            transmit(.answer(records: records, nextBucket: plan.nextBucket), from: message.to, to: message.from, pass: message.pass)
        case .answer(let records, let nextBucket):
            // The asker's side (`Replication.pull(_:from:at:)`).
            let asker = message.to
            guard var pass = passes[asker], pass.id == message.pass else {
                traffic.staleAnswers += 1
                return
            }
            recordsReceived[asker, default: 0] += records.count
            traffic.recordsStored += replicas[asker]!.commit(records)
            pass.pulls += 1
            traffic.mostPullsInAPass = max(traffic.mostPullsInAPass, pass.pulls)
            if nextBucket >= PartitionDigest.bucketCount {
                passes[asker] = nil
                traffic.passesCompleted += 1
                completedPasses[asker, default: []].append(pass.pulls)
            } else if nextBucket <= pass.start {
                passes[asker] = nil  // a peer that makes no progress
                traffic.passesAborted += 1
            } else {
                pass.start = nextBucket
                pass.waitingSince = now
                passes[asker] = pass
                sendRequest(from: asker)
            }
        }
    }

    private mutating func transmit(_ payload: Payload, from sender: String, to receiver: String, pass: UInt64) {
        guard network.connected(sender, receiver) else {
            traffic.cut += 1
            return
        }
        guard random.unit() >= network.loss else {
            traffic.lost += 1
            return
        }
        let delay = network.delay.lowerBound + random.unit() * (network.delay.upperBound - network.delay.lowerBound)
        order += 1
        schedule(Message(at: now.advanced(by: .nanoseconds(Int64(delay * 1e9))), order: order, from: sender, to: receiver, pass: pass, payload: payload))
    }

    private mutating func schedule(_ message: Message) {
        var low = 0, high = queue.count
        while low < high {
            let middle = (low + high) / 2
            if queue[middle] < message { low = middle + 1 } else { high = middle }
        }
        queue.insert(message, at: low)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
