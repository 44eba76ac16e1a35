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

    @OptionGroup var load: BenchLoadOptions

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

    func run() async throws {
        let decision = try Self.decisionMicroseconds()
        print("one decision (contextual bandit, 3 variants, 4 contexts: hash, lookup, lock): \(String(format: "%.2f", decision)) µs")
        if workOnly { return }
        let cluster = try await AuthBenchCluster.start(secured: false, executable: Executables.tailor, port: port, small: load.small)
        defer { cluster.stop() }
        let api = PublicAPIClient(gateway: cluster.address)
        print("\n" + load.header("experiment"))
        print("| round | experiment | answered/s | p50 ms | p99 ms | errors | cluster CPU µs per request |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        var perRequest: [Bool: [Double]] = [true: [], false: []]
        _ = await run(cluster, round: 0, warmup: .zero, duration: load.warmupDuration * 2)
        for round in 1...load.rounds {
            for running in round % 2 == 1 ? [true, false] : [false, true] {
                try await setExperiment(running, api: api)
                let result = await run(cluster, round: round, warmup: load.warmupDuration, duration: load.measured)
                let (micros, row) = BenchLoadOptions.perRequest(result)
                perRequest[running]!.append(micros)
                print("| \(round) | \(running ? "bandit on every placement" : "none") | " + row)
                fflush(nil)
            }
        }
        let with = AuthBenchCommand.median(perRequest[true]!)
        let reference = AuthBenchCommand.median(perRequest[false]!)
        print("\nmedian CPU per recommendation: with the experiment \(String(format: "%.0f", with)) µs, none \(String(format: "%.0f", reference)) µs (the reference, same cluster, same run)")
        print("ratio \(String(format: "%.3f", with / reference)): the experiment costs \(String(format: "%+.1f", (with / reference - 1) * 100)) % CPU per request (goal ≤ +5 %)")

        let impressions = try await impressionRate(api: api, duration: load.measured)
        print(
            "impressions acknowledged: \(String(format: "%.0f", impressions))/s (batches of 100 from 8 clients) against the \(Int(load.rate)) recommendations/s offered: "
                + "ratio \(String(format: "%.1f", impressions / load.rate))"
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

    private func run(_ cluster: AuthBenchCluster, round: Int, warmup: Duration, duration: Duration) async -> LoadRun.Result {
        await load.load(cluster.address, cpu: cluster.cpu, round: round, eventIDPrefix: "experiment", warmup: warmup, duration: duration)
    }
}
