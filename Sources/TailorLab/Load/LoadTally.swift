import Histogram
import TailorSettings

/// How one request ended.
enum LoadOutcome: Sendable, Hashable {
    /// A 2xx with a body that decoded; `degraded` for a recommendation whose coverage says so.
    case success(status: Int, degraded: Bool)
    /// An answer that is not a 2xx.
    case failedStatus(Int)
    /// A 2xx whose body is not the API's JSON.
    case undecodable(status: Int)
    /// No answer: the connection failed, closed or timed out (the reason is the error's name).
    case noAnswer(String)
}

/// What one kind of request did in the measured window. Connections keep their own and the
/// run adds them up, so that nothing on the hot path takes a lock.
struct KindTally: Sendable {
    /// Microseconds from the scheduled send time to the end of the answer, for every
    /// measured request that got an HTTP answer (whatever its status).
    var latencies = Histogram<UInt64>(highestTrackableValue: KindTally.highestMicroseconds)
    /// Measured requests the schedule offered (sent, queued or dropped).
    var offered = 0
    var succeeded = 0
    /// Successes that ended inside the measured window: the throughput.
    var succeededInWindow = 0
    var degraded = 0
    var dropped = 0
    var statuses: [Int: Int] = [:]
    /// Errors by kind: "500", "undecodable", "timeout", "connect", "closed".
    var errors: [String: Int] = [:]

    static let highestMicroseconds: UInt64 = 60_000_000

    var errorCount: Int { errors.values.reduce(0, +) }

    mutating func record(_ outcome: LoadOutcome, latency: Duration, inWindow: Bool) {
        switch outcome {
        case .success(let status, let isDegraded):
            statuses[status, default: 0] += 1
            succeeded += 1
            if inWindow { succeededInWindow += 1 }
            if isDegraded { degraded += 1 }
        case .failedStatus(let status):
            statuses[status, default: 0] += 1
            errors[String(status), default: 0] += 1
        case .undecodable(let status):
            statuses[status, default: 0] += 1
            errors["undecodable", default: 0] += 1
        case .noAnswer(let reason):
            errors[reason, default: 0] += 1
            return
        }
        let micros = UInt64(clamping: max(0, DurationText.microseconds(latency)))
        _ = latencies.record(min(micros, Self.highestMicroseconds))
    }

    mutating func add(_ other: KindTally) {
        latencies.add(other.latencies)
        offered += other.offered
        succeeded += other.succeeded
        succeededInWindow += other.succeededInWindow
        degraded += other.degraded
        dropped += other.dropped
        statuses.merge(other.statuses, uniquingKeysWith: +)
        errors.merge(other.errors, uniquingKeysWith: +)
    }
}

/// Every kind's tally.
struct LoadTally: Sendable {
    var recommendations = KindTally()
    var events = KindTally()
    var decisions = KindTally()

    subscript(kind: LoadKind) -> KindTally {
        get {
            switch kind {
            case .recommendations: recommendations
            case .events: events
            case .decisions: decisions
            }
        }
        // In place: a get-and-set would copy the histogram's counts on every record.
        _modify {
            switch kind {
            case .recommendations: yield &recommendations
            case .events: yield &events
            case .decisions: yield &decisions
            }
        }
    }

    mutating func add(_ other: LoadTally) {
        recommendations.add(other.recommendations)
        events.add(other.events)
        decisions.add(other.decisions)
    }
}
