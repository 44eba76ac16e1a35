import Synchronization

/// The decision traces this gateway answered lately, in memory: each kept for the
/// retention (`--trace-retention`), at most ``capacity`` of them (the oldest go first).
/// Not replicated and not stored: a trace lives on the gateway that answered the
/// recommendation, until it expires or that gateway restarts (docs/trace.md).
struct TraceBook: Sendable {
    let retentionMillis: Int64
    let capacity: Int
    private var traces: [String: RecommendationTrace] = [:]
    /// Keys in the order recorded, with when each expires; `head` is the oldest still listed.
    private var order: [(key: String, expiresMillis: Int64)] = []
    private var head = 0

    init(retentionMillis: Int64, capacity: Int) {
        self.retentionMillis = retentionMillis
        self.capacity = capacity
    }

    var count: Int { traces.count }

    mutating func record(_ trace: RecommendationTrace, key: String, nowMillis: Int64) {
        guard capacity > 0, retentionMillis > 0 else { return }
        expire(nowMillis: nowMillis)
        while traces.count >= capacity, head < order.count { dropOldest() }
        if traces.updateValue(trace, forKey: key) == nil { order.append((key, nowMillis + retentionMillis)) }
    }

    mutating func trace(key: String, nowMillis: Int64) -> RecommendationTrace? {
        expire(nowMillis: nowMillis)
        return traces[key]
    }

    private mutating func expire(nowMillis: Int64) {
        while head < order.count, order[head].expiresMillis <= nowMillis { dropOldest() }
    }

    private mutating func dropOldest() {
        traces[order[head].key] = nil
        head += 1
        // Drops the listed prefix once it is half the list: amortised O(1) per trace.
        if head > 1_024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}

/// ``TraceBook`` behind a lock, shared by the gateway's request handlers.
final class TraceStore: Sendable {
    private let book: Mutex<TraceBook>
    /// How long a trace is kept (0: tracing is off).
    let retention: Duration

    /// Traces kept at most: about 10 KB each with a 10-item answer and 50 removed
    /// candidates, so about 100 MB at most.
    static let capacity = 10_000

    /// The share of recommendations traced.
    let sample: Double

    init(retention: Duration, sample: Double = 1, capacity: Int = TraceStore.capacity) {
        self.retention = retention
        self.sample = sample
        let millis = retention.components.seconds * 1000 + retention.components.attoseconds / 1_000_000_000_000_000
        book = Mutex(TraceBook(retentionMillis: millis, capacity: capacity))
    }

    /// Whether recommendations are traced at all.
    var isOn: Bool { retention > .zero }

    /// Whether to trace the next recommendation: ``sample`` of them, or every one
    /// asked `always` (an admin's), while tracing is on.
    func shouldTrace(always: Bool = false) -> Bool {
        isOn && (always || sample >= 1 || (sample > 0 && Double.random(in: 0..<1) < sample))
    }

    func record(_ trace: RecommendationTrace, key: String, nowMillis: Int64) {
        book.withLock { $0.record(trace, key: key, nowMillis: nowMillis) }
    }

    func trace(key: String, nowMillis: Int64) -> RecommendationTrace? {
        book.withLock { $0.trace(key: key, nowMillis: nowMillis) }
    }
}
