import Histogram
import TailorSettings
import TailorProcess

/// What `tailor-lab load` prints: one row per rate, each with recommendations and events apart.
/// Encodes as the `--json` object.
struct LoadReport: Encodable, Sendable {
    /// Latency percentiles in milliseconds.
    struct Latency: Codable, Sendable, Hashable {
        var p50: Double
        var p90: Double
        var p99: Double
        var p999: Double
        var max: Double

        init(_ histogram: Histogram<UInt64>) {
            func milliseconds(_ micros: UInt64) -> Double { Double(micros) / 1_000 }
            let empty = histogram.totalCount == 0
            p50 = empty ? 0 : milliseconds(histogram.valueAtPercentile(50))
            p90 = empty ? 0 : milliseconds(histogram.valueAtPercentile(90))
            p99 = empty ? 0 : milliseconds(histogram.valueAtPercentile(99))
            p999 = empty ? 0 : milliseconds(histogram.valueAtPercentile(99.9))
            max = empty ? 0 : milliseconds(histogram.max)
        }
    }

    /// One kind of request at one rate.
    struct Kind: Codable, Sendable {
        /// Requests per second the schedule offered in the measured window.
        var offeredPerSecond: Double
        /// Successful answers per second that arrived in the measured window.
        var achievedPerSecond: Double
        var offered: Int
        var succeeded: Int
        var latencyMs: Latency
        /// Every error but drops, by kind ("500", "timeout", "undecodable", …).
        var errors: [String: Int]
        var errorCount: Int
        /// Requests that found no free connection and a full queue.
        var dropped: Int
        var degraded: Int
        /// Degraded answers as a percentage of successful ones.
        var degradedPercent: Double
        /// Answers by HTTP status.
        var statuses: [String: Int]

        init(_ tally: KindTally, duration: Duration) {
            let seconds = DurationText.seconds(duration)
            offeredPerSecond = seconds > 0 ? Double(tally.offered) / seconds : 0
            achievedPerSecond = seconds > 0 ? Double(tally.succeededInWindow) / seconds : 0
            offered = tally.offered
            succeeded = tally.succeeded
            latencyMs = Latency(tally.latencies)
            errors = tally.errors
            errorCount = tally.errorCount
            dropped = tally.dropped
            degraded = tally.degraded
            degradedPercent = tally.succeeded > 0 ? Double(tally.degraded) * 100 / Double(tally.succeeded) : 0
            statuses = Dictionary(uniqueKeysWithValues: tally.statuses.map { (String($0.key), $0.value) })
        }

        /// Under the latency objective with no errors and no drops (vacuously when none was sent).
        func holds(p99Ms: Double) -> Bool {
            offered == 0 || (latencyMs.p99 <= p99Ms && errorCount == 0 && dropped == 0)
        }
    }

    /// One watched process's CPU time per request in the measured window (`--cpu-of`).
    struct CPU: Codable, Sendable {
        var process: String
        var pid: Int32
        /// CPU milliseconds per request offered in the window (every kind together); nil when the process exited meanwhile.
        var msPerRequest: Double?
    }

    /// One rate.
    struct Run: Codable, Sendable {
        var rate: Double
        var recommendations: Kind
        var events: Kind
        /// Only when the run sent decisions (absent from the JSON otherwise).
        var decisions: Kind?
        var heldSLO: Bool
        var cpu: [CPU]?

        /// One kind's summary; nil for decisions when the run sent none.
        subscript(kind: LoadKind) -> Kind? {
            switch kind {
            case .recommendations: recommendations
            case .events: events
            case .decisions: decisions
            }
        }
    }

    var target: String
    var connections: Int
    var warmupSeconds: Double
    var durationSeconds: Double
    var eventsShare: Double
    var seed: UInt64
    var sloP99Ms: Double
    var runs: [Run] = []
    /// The processes `--cpu-of` watches, in report order.
    var watched: [ProcessCPU.Watched] = []

    /// The highest rate whose recommendations and events both held the objective.
    var highestRateWithinSLO: Double? {
        runs.filter(\.heldSLO).map(\.rate).max()
    }

    mutating func add(_ result: LoadRun.Result) {
        let recommendations = Kind(result.tally.recommendations, duration: result.duration)
        let events = Kind(result.tally.events, duration: result.duration)
        let decisions = Kind(result.tally.decisions, duration: result.duration)
        let requests = Double(recommendations.offered + events.offered + decisions.offered)
        let cpu = zip(watched, result.cpu).map { process, spent in
            CPU(
                process: process.name, pid: process.pid,
                msPerRequest: spent.flatMap { requests > 0 ? DurationText.seconds($0) * 1_000 / requests : nil }
            )
        }
        runs.append(
            Run(
                rate: result.rate, recommendations: recommendations, events: events, decisions: decisions.offered > 0 ? decisions : nil,
                heldSLO: recommendations.holds(p99Ms: sloP99Ms) && events.holds(p99Ms: sloP99Ms) && decisions.holds(p99Ms: sloP99Ms),
                cpu: watched.isEmpty ? nil : cpu
            )
        )
    }

    private enum CodingKeys: String, CodingKey {
        case target, connections, warmupSeconds, durationSeconds, eventsShare, seed, sloP99Ms, runs
        case highestRateWithinSLO
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(target, forKey: .target)
        try container.encode(connections, forKey: .connections)
        try container.encode(warmupSeconds, forKey: .warmupSeconds)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(eventsShare, forKey: .eventsShare)
        try container.encode(seed, forKey: .seed)
        try container.encode(sloP99Ms, forKey: .sloP99Ms)
        try container.encode(runs, forKey: .runs)
        try container.encode(highestRateWithinSLO, forKey: .highestRateWithinSLO)
    }
}
