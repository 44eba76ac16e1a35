/// Recent scoring latency per member and the hedging budget: which replica to prefer,
/// and when a slow one's partitions are worth asking of another replica.
///
/// Each member keeps its last ``window`` scoring-call latencies; its p95 (at least
/// ``minimumHedgeDelay``) is the hedge delay (a call slower than its own p95 is the
/// tail hedging cuts). Hedges spend
/// tokens: every scoring call earns ``hedgeShare`` of one, so hedges stay a small
/// share of the traffic even when a member is slow on every call.
struct ReplicaHealth: Sendable {
    static let window = 128
    /// Latencies before a member's p95 is trusted; until then ``defaultHedgeDelay``.
    static let minimumSamples = 16
    static let defaultHedgeDelay: Duration = .milliseconds(50)
    /// Never hedge sooner than this: a healthy cluster's p95 is a few milliseconds,
    /// and hedging its ordinary jitter only adds load (measured at 600 requests/s:
    /// 4.5 % of scoring calls hedged at p95 ≈ 2 ms, the gateway's CPU per request up
    /// about 20 %). A member stuck for longer than this is what hedging is for.
    static let minimumHedgeDelay: Duration = .milliseconds(20)
    static let hedgeShare = 0.05
    static let maximumTokens = 20.0
    /// A member whose p95 is above this many times the median of the members' p95s
    /// (and above ``slowFloor``) is read after the others.
    static let slowFactor = 3.0
    static let slowFloor: Duration = .milliseconds(20)
    /// How long a replica that declined a partition is read after the partition's other
    /// replicas. A replica declines while it awaits hand-off (created empty when the
    /// shard map moved, e.g. after a member was declared dead) or catch-up, which takes
    /// seconds; asking it first on every request spent a round trip of each answer's
    /// deadline on the decline (then on the situation the re-ask needs). Longer than a
    /// hand-off takes on a busy machine (4–6 s measured, more under load): with 5 s, a
    /// replica still awaiting its hand-off was asked again and one answer came back
    /// degraded (seen in CI). The partition's other replica is complete meanwhile, so a
    /// long memory costs only balance.
    static let declineMemory: Duration = .seconds(15)

    private var latencies: [String: [Double]] = [:]
    private var next: [String: Int] = [:]
    private var p95: [String: Double] = [:]
    private var tokens = 5.0
    /// Per partition, the members that declined it lately and when.
    private var declined: [Int: [String: ContinuousClock.Instant]] = [:]

    /// Records a scoring call that answered, in milliseconds.
    mutating func record(_ member: String, _ took: Duration) {
        let milliseconds = took.milliseconds
        var samples = latencies[member, default: []]
        let position = next[member, default: 0]
        if samples.count < Self.window { samples.append(milliseconds) } else { samples[position] = milliseconds }
        next[member] = (position + 1) % Self.window
        latencies[member] = samples
        tokens = min(Self.maximumTokens, tokens + Self.hedgeShare)
        if samples.count >= Self.minimumSamples, position % 8 == 0 {
            let sorted = samples.sorted()
            p95[member] = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))]
        }
    }

    /// How long to wait for `member` before hedging its partitions.
    func hedgeDelay(for member: String) -> Duration {
        max(Self.minimumHedgeDelay, p95[member].map { .microseconds(Int64($0 * 1000)) } ?? Self.defaultHedgeDelay)
    }

    /// Takes a hedge token; false when the budget is spent.
    mutating func takeHedge() -> Bool {
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Records what `member` did with the partitions it was asked: those it answered are
    /// ready there, the others it declined (its replica awaits hand-off).
    mutating func record(_ member: String, asked: some Sequence<Int>, answered: Set<Int>, at now: ContinuousClock.Instant) {
        for partition in asked {
            if answered.contains(partition) {
                declined[partition]?.removeValue(forKey: member)
            } else {
                declined[partition, default: [:]][member] = now
            }
        }
    }

    /// The members that declined `partition` within ``declineMemory`` of `now`.
    func declining(_ partition: Int, at now: ContinuousClock.Instant) -> Set<String> {
        guard let members = declined[partition] else { return [] }
        return Set(members.compactMap { now - $0.value < Self.declineMemory ? $0.key : nil })
    }

    /// The replicas of a partition in the order to ask them: healthy ones first, then
    /// suspects and slow members, then those that declined the partition lately, then
    /// those that failed a call lately; among equals, in the order given (the rotation
    /// that spreads reads).
    static func readOrder(_ replicas: [String], suspects: Set<String>, declining: Set<String>, failed: Set<String>) -> [String] {
        func rank(_ member: String) -> Int {
            failed.contains(member) ? 3 : declining.contains(member) ? 2 : suspects.contains(member) ? 1 : 0
        }
        guard replicas.contains(where: { rank($0) > 0 }) else { return replicas }
        return (0...3).flatMap { level in replicas.filter { rank($0) == level } }
    }

    /// Members much slower than the rest lately.
    var slowMembers: Set<String> {
        guard p95.count >= 2 else { return [] }
        let sorted = p95.values.sorted()
        let median = sorted[sorted.count / 2]
        let floor = Self.slowFloor.milliseconds
        return Set(p95.compactMap { $0.value > max(median * Self.slowFactor, floor) ? $0.key : nil })
    }

    /// The members' p95 in milliseconds, for `GET /v1/cluster`.
    var percentiles: [String: Double] { p95 }
}

extension Duration {
    /// The duration in milliseconds, as answers (`tookMs`) and the hedge's timings count it.
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
