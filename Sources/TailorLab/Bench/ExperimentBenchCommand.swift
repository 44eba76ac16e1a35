import ArgumentParser
import Foundation
import NIOHTTP1
import NIOPosix
import TailorClient
import TailorGateway
import TailorModel
import TailorOutcomes
import TailorProcess
import TailorSettings

/// `tailor-lab bench experiment`: what a running experiment costs a recommendation, as
/// CPU time of the cluster's processes per request, against the same cluster with no
/// experiment in the same run; and how fast the cluster takes impressions, against the
/// recommendation rate offered.
struct ExperimentBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "CPU per recommendation with a bandit experiment on every placement, against none; impressions taken per second.",
        discussion: """
            Starts one cluster (3 nodes with the demo shop and a gateway, --insecure-no-auth). \
            Round after round, offers the same recommendation load (open loop) twice: once with a \
            bandit experiment on every placement (two variants that score alike, so the difference \
            is the experiment's own work: assignment, the bandit's shares, its counts read every \
            2 s) and once with none (the order alternating), reading the CPU time the cluster's \
            processes spent per answered request from /proc. Prints each round, the medians and \
            their ratio. Then sends impression events of real answers, 100 per batch from 8 \
            clients for --duration, and prints the impressions acknowledged per second beside the \
            recommendation rate offered.
            """
    )

    @Option(help: "Recommendations per second offered.")
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

    @Option(help: "The cluster's gateway port; its nodes follow.")
    var port = 29_280

    static let experimentID = "bench-overhead"

    @Flag(help: "Only the in-process timing of one decision (variant assignment under a contextual bandit), no cluster.")
    var workOnly = false

    /// Microseconds per decision: a contextual bandit over 3 variants with counts in 4
    /// contexts, 100,000 assignments of distinct shoppers (the median of 5 timings).
    static func decisionMicroseconds() throws -> Double {
        let book = ExperimentBook(writer: "bench")
        let definition = ExperimentDefinition(
            placements: [.homeForYou], objective: .conversions, allocation: .bandit,
            variants: [.init(name: "a"), .init(name: "b", strategy: .margin), .init(name: "c", control: .popularity)], context: .device
        )
        _ = try book.put(id: "bench", definition: definition, by: "bench")
        var cells: OutcomeCells = [:]
        for (index, device) in ["mobile", "desktop", "tablet", "unknown"].enumerated() {
            for (arm, variant) in ["a", "b", "c"].enumerated() {
                var counts = CellCounts()
                counts.impressions = 5_000
                counts[.conversions].sum = Double(100 + 50 * arm + index)
                cells[CellKey(day: 0, placement: "home_for_you", experiment: "bench", variant: variant, context: device)] = counts
            }
        }
        book.update(outcomes: cells)
        let contexts = ["mobile", "desktop", "tablet", "unknown"].map { RecommendationContext(device: $0) }
        let shoppers = (0..<100_000).map { "shopper-\($0)" }
        var timings: [Double] = []
        for _ in 0..<5 {
            var chosen = 0
            let started = ContinuousClock.now
            for (index, shopper) in shoppers.enumerated() {
                chosen &+= book.assign(placement: .homeForYou, shopper: shopper, context: contexts[index & 3])?.variant.name.utf8.count ?? 0
            }
            precondition(chosen > 0)
            timings.append(DurationText.seconds(ContinuousClock.now - started) * 1e6 / Double(shoppers.count))
        }
        return AuthBenchCommand.median(timings)
    }

    func validate() throws {
        guard rate > 0, rate <= 100_000 else { throw ValidationError("--rate must be 0…100000") }
        for (name, text) in [("--duration", duration), ("--warmup", warmup)] where DurationText.parse(text) == nil {
            throw ValidationError("\(name) must look like 10s or 500ms")
        }
        guard (1...50).contains(rounds) else { throw ValidationError("--rounds must be 1…50") }
    }

    func run() async throws {
        let decision = try Self.decisionMicroseconds()
        print("one decision (contextual bandit, 3 variants, 4 contexts: hash, lookup, lock): \(String(format: "%.2f", decision)) µs")
        if workOnly { return }
        let cluster = try await AuthBenchCluster.start(secured: false, executable: Executables.tailor, port: port, small: small)
        defer { cluster.stop() }
        let api = PublicAPIClient(gateway: cluster.address)
        print("\ntailor-lab bench experiment: \(Int(rate)) recommendations/s, \(duration) per round after \(warmup) warm-up, \(connections) connections; demo shop \(small ? "small" : "standard"); \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("| round | experiment | answered/s | p50 ms | p99 ms | errors | cluster CPU µs per request |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        var perRequest: [Bool: [Double]] = [true: [], false: []]
        _ = await load(cluster, round: 0, warmup: .zero, duration: DurationText.parse(warmup)! * 2)
        for round in 1...rounds {
            for running in round % 2 == 1 ? [true, false] : [false, true] {
                try await setExperiment(running, api: api)
                let result = await load(cluster, round: round, warmup: DurationText.parse(warmup)!, duration: DurationText.parse(duration)!)
                let kind = LoadReport.Kind(result.tally.recommendations, duration: result.duration)
                let cpu = result.cpu.dropLast().compactMap(\.self).reduce(0.0) { $0 + DurationText.seconds($1) }
                let answered = kind.achievedPerSecond * DurationText.seconds(result.duration)
                let micros = answered > 0 ? cpu * 1e6 / answered : .nan
                perRequest[running]!.append(micros)
                print(
                    "| \(round) | \(running ? "bandit on every placement" : "none") | \(Int(kind.achievedPerSecond)) | "
                        + "\(String(format: "%.2f", kind.latencyMs.p50)) | \(String(format: "%.2f", kind.latencyMs.p99)) | \(kind.errorCount) | "
                        + "\(String(format: "%.0f", micros)) |"
                )
                fflush(nil)
            }
        }
        let with = AuthBenchCommand.median(perRequest[true]!)
        let reference = AuthBenchCommand.median(perRequest[false]!)
        print("\nmedian CPU per recommendation: with the experiment \(String(format: "%.0f", with)) µs, none \(String(format: "%.0f", reference)) µs (the reference, same cluster, same run)")
        print("ratio \(String(format: "%.3f", with / reference)): the experiment costs \(String(format: "%+.1f", (with / reference - 1) * 100)) % CPU per request (goal ≤ +5 %)")

        let impressions = try await impressionRate(api: api, duration: DurationText.parse(duration)!)
        print(
            "impressions acknowledged: \(String(format: "%.0f", impressions))/s (batches of 100 from 8 clients) against the \(Int(rate)) recommendations/s offered: "
                + "ratio \(String(format: "%.1f", impressions / rate))"
        )
    }

    /// Puts the bench's experiment on every placement, or deletes it; then waits until
    /// answers say so.
    private func setExperiment(_ running: Bool, api: PublicAPIClient) async throws {
        let placements = Placement.allCases.map { #""\#($0.rawValue)""# }.joined(separator: ",")
        let (status, body) = running
            ? try await api.send(.PUT, "/v1/experiments/\(Self.experimentID)", json: #"{"placements":[\#(placements)],"objective":"conversions","allocation":"bandit","variants":[{"name":"a"},{"name":"b"}],"warmUp":10}"#)
            : try await api.send(.DELETE, "/v1/experiments/\(Self.experimentID)")
        guard (200..<300).contains(status) || (!running && status == 404) else {
            throw BenchError("the experiment could not be \(running ? "put" : "deleted"): \(status) \(String(decoding: body, as: UTF8.self))")
        }
    }

    /// Impressions of one real answer, 100 per batch, as fast as 8 clients get them acknowledged.
    private func impressionRate(api: PublicAPIClient, duration: Duration) async throws -> Double {
        let (status, data) = try await api.send(.POST, "/v1/recommendations", json: #"{"user":"bench-impressions","placement":"home_for_you"}"#)
        guard status == 200, let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any], let id = answer["recommendationId"] as? String else {
            throw BenchError("no recommendation to show: \(status)")
        }
        let end = ContinuousClock.now + duration
        let started = ContinuousClock.now
        let acknowledged = await withTaskGroup(of: Int.self) { group in
            for client in 0..<8 {
                group.addTask {
                    var count = 0
                    var batch = 0
                    while ContinuousClock.now < end {
                        batch += 1
                        let events = (0..<100).map { index in
                            #"{"id":"imp-\#(client)-\#(batch)-\#(index)","type":"impression","user":"bench-\#(client)-\#(index % 50)","recommendationId":"\#(id)","products":["p00001"]}"#
                        }
                        if let (code, _) = try? await api.send(.POST, "/v1/events", json: #"{"events":[\#(events.joined(separator: ","))]}"#), code == 200 {
                            count += 100
                        }
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        return Double(acknowledged) / DurationText.seconds(ContinuousClock.now - started)
    }

    private func load(_ cluster: AuthBenchCluster, round: Int, warmup: Duration, duration: Duration) async -> LoadRun.Result {
        let runner = LoadRun(
            settings: LoadRun.Settings(target: cluster.address, connections: connections, warmup: warmup, duration: duration, cpu: cluster.cpu),
            group: MultiThreadedEventLoopGroup.singleton
        )
        let mix = LoadMix.Configuration(
            shoppers: small ? 3_000 : 50_000, products: small ? 2_000 : 20_000, eventsShare: 0, seed: UInt64(round),
            eventIDPrefix: "experiment-\(round)", eventsPerBatch: nil
        )
        return await runner.run(rate: rate, mix: mix)
    }
}
