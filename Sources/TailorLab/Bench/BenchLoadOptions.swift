import ArgumentParser
import Foundation
import NIOPosix
import TailorClient
import TailorProcess
import TailorSettings

/// The open-loop recommendation load the CPU-per-request benches (`auth`,
/// `experiment`, `decisions`) offer a cluster, round after round, and its flags.
struct BenchLoadOptions: ParsableArguments {
    @Option(help: "Requests per second offered.")
    var rate: Double = 300

    @Option(help: "Measured time per round and configuration.")
    var duration = "10s"

    @Option(help: "Unmeasured warm-up per round and configuration.")
    var warmup = "2s"

    @Option(help: "Rounds (each measures both configurations).")
    var rounds = 5

    @Option(help: "Keep-alive connections of the load generator.")
    var connections = 16

    @Flag(help: "The small demo shop (2,000 products) instead of the standard one (20,000).")
    var small = false

    func validate() throws {
        guard rate > 0, rate <= 100_000 else { throw ValidationError("--rate must be 0…100000") }
        for (name, text) in [("--duration", duration), ("--warmup", warmup)] where DurationText.parse(text) == nil {
            throw ValidationError("\(name) must look like 10s or 500ms")
        }
        guard (1...50).contains(rounds) else { throw ValidationError("--rounds must be 1…50") }
    }

    var measured: Duration { DurationText.parse(duration)! }
    var warmupDuration: Duration { DurationText.parse(warmup)! }

    /// The bench's first line: what is offered, on which shop and machine.
    func header(_ bench: String, requests: String = "recommendations") -> String {
        "tailor-lab bench \(bench): \(Int(rate)) \(requests)/s, \(duration) per round after \(warmup) warm-up, \(connections) connections; "
            + "demo shop \(small ? "small" : "standard"); \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }

    /// One round's load on the gateway at `target`, the cluster's CPU read over the measured
    /// window: the shop's recommendation mix, or `only` one kind of page visit
    /// (``LoadMix/nextVisit(_:)``, the same shoppers and contexts for either kind).
    func load(
        _ target: GatewayAddress, cpu: ProcessCPU, apiKey: String? = nil, round: Int, eventIDPrefix: String, warmup: Duration, duration: Duration,
        only: LoadKind? = nil, points: [String]? = nil
    ) async -> LoadRun.Result {
        let runner = LoadRun(
            settings: LoadRun.Settings(target: target, connections: connections, warmup: warmup, duration: duration, cpu: cpu, apiKey: apiKey),
            group: MultiThreadedEventLoopGroup.singleton
        )
        var mix = LoadMix.Configuration(
            shoppers: small ? 3_000 : 50_000, products: small ? 2_000 : 20_000, eventsShare: 0, seed: UInt64(round),
            eventIDPrefix: "\(eventIDPrefix)-\(round)", eventsPerBatch: nil
        )
        mix.only = only
        if let points { mix.points = points }
        return await runner.run(rate: rate, mix: mix)
    }

    /// CPU µs per answered request of `kind` in a round, and the table row's measured columns.
    static func perRequest(_ result: LoadRun.Result, of requests: LoadKind = .recommendations) -> (micros: Double, row: String) {
        let kind = LoadReport.Kind(result.tally[requests], duration: result.duration)
        let cpu = result.cpu.dropLast().compactMap(\.self).reduce(0.0) { $0 + DurationText.seconds($1) }
        let answered = kind.achievedPerSecond * DurationText.seconds(result.duration)
        let micros = answered > 0 ? cpu * 1e6 / answered : .nan
        let row = "\(Int(kind.achievedPerSecond)) | \(String(format: "%.2f", kind.latencyMs.p50)) | \(String(format: "%.2f", kind.latencyMs.p99)) | "
            + "\(kind.errorCount) | \(String(format: "%.0f", micros)) |"
        return (micros, row)
    }
}
