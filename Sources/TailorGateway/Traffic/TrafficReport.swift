/// `GET /v1/cluster/traffic`: this gateway's traffic over the last minute (``TrafficWindow``).
/// Rates are per second over the window (over the seconds since the gateway started
/// when it is younger); latencies are milliseconds, 0 when there were none.
struct TrafficReport: Encodable, Sendable, Equatable {
    struct Requests: Encodable, Sendable, Equatable {
        /// `POST /v1/recommendations`, `POST /v1/decisions`, `POST /v1/events`, and every request.
        var recommendations: Double
        var decisions: Double
        var events: Double
        var all: Double
    }

    /// Recommendation answers computed (a decision's placements too), as
    /// `tailor_recommendation_duration_seconds` times them.
    struct Latency: Encodable, Sendable, Equatable {
        var p50Ms: Double
        var p99Ms: Double
        var count: Int
    }

    /// Those answers by coverage: degraded when a partition missed the deadline.
    struct Coverage: Encodable, Sendable, Equatable {
        var full: Int
        var degraded: Int
        /// degraded / (full + degraded), 0 without answers.
        var degradedShare: Double
    }

    /// One second: requests, events accepted, and its recommendations' latency.
    struct Second: Encodable, Sendable, Equatable {
        /// Unix seconds.
        var at: Int64
        var requests: Int
        var events: Int
        var p50Ms: Double
        var p99Ms: Double
    }

    var gateway: String
    var windowSeconds: Int
    var requestsPerSecond: Requests
    var recommendation: Latency
    var coverage: Coverage
    var hedgesPerSecond: Double
    /// Events accepted (stored, not duplicates) per second: the ingest rate.
    var eventsPerSecond: Double
    /// One entry per second of the window, oldest first, the current second last.
    var series: [Second]
}
