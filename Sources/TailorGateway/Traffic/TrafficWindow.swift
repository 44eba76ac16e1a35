/// A gateway's traffic over the last ``seconds`` seconds: a ring of one bucket per
/// (Unix) second, each holding that second's counts and a ``LatencyHistogram`` of its
/// recommendations. Pure: every call is handed the second it happens in, so tests run
/// it on a made-up clock; ``TrafficMeter`` is the thread-safe shell.
///
/// Its memory is fixed when it is made (60 buckets and 60 × 82 latency counters):
/// counting allocates nothing. A bucket is reused when its second comes round again;
/// a count for a second older than the bucket's is dropped (the wall clock stepped
/// back, or it is older than the window).
struct TrafficWindow: Sendable {
    static let seconds = 60

    /// The requests counted by kind (every request also counts in `all`).
    enum Request: Sendable {
        case recommendations, decisions, events, other
    }

    struct Bucket: Sendable, Equatable {
        var at: Int64 = .min
        var requests = 0
        var recommendationRequests = 0
        var decisionRequests = 0
        var eventRequests = 0
        /// Recommendation answers computed (a decision's placements too), by coverage.
        var fullAnswers = 0
        var degradedAnswers = 0
        var hedges = 0
        var eventsAccepted = 0
    }

    private var buckets: [Bucket]
    /// ``seconds`` × ``LatencyHistogram/bucketCount`` counters, bucket after bucket.
    private var latencies: [UInt32]
    /// The second the window started counting: rates over a younger window divide by
    /// the seconds it has seen, not by 60.
    let startedAt: Int64

    init(startedAt: Int64) {
        self.startedAt = startedAt
        buckets = Array(repeating: Bucket(), count: Self.seconds)
        latencies = Array(repeating: 0, count: Self.seconds * LatencyHistogram.bucketCount)
    }

    /// A request of `kind`, answered (or refused) in `second`.
    mutating func count(_ kind: Request, at second: Int64) {
        update(second) { bucket in
            bucket.requests += 1
            switch kind {
            case .recommendations: bucket.recommendationRequests += 1
            case .decisions: bucket.decisionRequests += 1
            case .events: bucket.eventRequests += 1
            case .other: break
            }
        }
    }

    /// A recommendation answer computed in `milliseconds`, with full or degraded coverage.
    mutating func countRecommendation(milliseconds: Double, degraded: Bool, at second: Int64) {
        guard let index = update(second, { bucket in
            if degraded { bucket.degradedAnswers += 1 } else { bucket.fullAnswers += 1 }
        }) else { return }
        latencies[index * LatencyHistogram.bucketCount + LatencyHistogram.bucket(ofMs: milliseconds)] &+= 1
    }

    /// A hedged scoring call sent in `second`.
    mutating func countHedge(at second: Int64) {
        update(second) { $0.hedges += 1 }
    }

    /// `count` events accepted (stored, not duplicates) in `second`.
    mutating func countEventsAccepted(_ count: Int, at second: Int64) {
        guard count > 0 else { return }
        update(second) { $0.eventsAccepted += count }
    }

    /// The bucket of `second` (emptied first when it held an older second), changed by
    /// `change`; its index, or nil when `second` is older than the bucket's.
    @discardableResult
    private mutating func update(_ second: Int64, _ change: (inout Bucket) -> Void) -> Int? {
        let index = Int(((second % Int64(Self.seconds)) + Int64(Self.seconds)) % Int64(Self.seconds))
        if buckets[index].at != second {
            guard buckets[index].at < second else { return nil }
            buckets[index] = Bucket(at: second)
            let start = index * LatencyHistogram.bucketCount
            for counter in start..<(start + LatencyHistogram.bucketCount) { latencies[counter] = 0 }
        }
        change(&buckets[index])
        return index
    }

    /// The window ending with `now` (its current second included), oldest second first.
    func report(gateway: String, at now: Int64) -> TrafficReport {
        var total = Bucket()
        var windowLatencies = [UInt32](repeating: 0, count: LatencyHistogram.bucketCount)
        var series: [TrafficReport.Second] = []
        series.reserveCapacity(Self.seconds)
        for second in (now - Int64(Self.seconds) + 1)...now {
            let index = Int(((second % Int64(Self.seconds)) + Int64(Self.seconds)) % Int64(Self.seconds))
            guard buckets[index].at == second else {
                series.append(.init(at: second, requests: 0, events: 0, p50Ms: 0, p99Ms: 0))
                continue
            }
            let bucket = buckets[index]
            let counts = latencies[(index * LatencyHistogram.bucketCount)..<((index + 1) * LatencyHistogram.bucketCount)]
            for (offset, count) in counts.enumerated() { windowLatencies[offset] &+= count }
            total.requests += bucket.requests
            total.recommendationRequests += bucket.recommendationRequests
            total.decisionRequests += bucket.decisionRequests
            total.eventRequests += bucket.eventRequests
            total.fullAnswers += bucket.fullAnswers
            total.degradedAnswers += bucket.degradedAnswers
            total.hedges += bucket.hedges
            total.eventsAccepted += bucket.eventsAccepted
            series.append(.init(
                at: second, requests: bucket.requests, events: bucket.eventsAccepted,
                p50Ms: Self.rounded(LatencyHistogram.percentile(0.5, of: counts)),
                p99Ms: Self.rounded(LatencyHistogram.percentile(0.99, of: counts))
            ))
        }
        let covered = Double(min(Int64(Self.seconds), max(1, now - startedAt + 1)))
        let rate = { (count: Int) in Self.rounded(Double(count) / covered) }
        let answers = total.fullAnswers + total.degradedAnswers
        return TrafficReport(
            gateway: gateway, windowSeconds: Self.seconds,
            requestsPerSecond: .init(
                recommendations: rate(total.recommendationRequests), decisions: rate(total.decisionRequests),
                events: rate(total.eventRequests), all: rate(total.requests)
            ),
            recommendation: .init(
                p50Ms: Self.rounded(LatencyHistogram.percentile(0.5, of: windowLatencies)),
                p99Ms: Self.rounded(LatencyHistogram.percentile(0.99, of: windowLatencies)), count: answers
            ),
            coverage: .init(
                full: total.fullAnswers, degraded: total.degradedAnswers,
                degradedShare: answers == 0 ? 0 : Self.rounded(Double(total.degradedAnswers) / Double(answers))
            ),
            hedgesPerSecond: rate(total.hedges), eventsPerSecond: rate(total.eventsAccepted), series: series
        )
    }

    /// Three decimals: the histogram is not more precise, and the console shows fewer.
    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
