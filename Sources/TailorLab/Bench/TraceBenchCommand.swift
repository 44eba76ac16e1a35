import ArgumentParser
import Foundation
import TailorProcess

/// `tailor-lab bench trace`: what keeping every recommendation's decision trace costs,
/// as CPU time of the cluster's processes per request, against the same build with
/// tracing off (`--trace-retention 0`) in the same run.
struct TraceBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "CPU per recommendation with every answer traced, against the same build with tracing off.",
        discussion: """
            Starts two clusters of the same build side by side (3 nodes with the demo shop and a \
            gateway each, open): one with --trace-sample SAMPLE (by default 1: every recommendation \
            traced: the nodes report origins and removed candidates, the gateway assembles and keeps \
            the trace), one with --trace-retention 0 (nothing traced). Then, round after round, offers the same \
            recommendation load (open loop) to one and then the other, the order alternating, and \
            reads the CPU time the loaded cluster's processes spent per answered request from \
            /proc. Prints each round, the medians and their ratio: tracing's cost.
            """
    )

    @OptionGroup var load: BenchLoadOptions

    @Option(help: "The first cluster's gateway port; its nodes follow; the second cluster's start 100 higher.")
    var port = 29_280

    @Option(help: "The traced cluster's --trace-sample: the share of its recommendations traced.")
    var sample = 1.0

    func run() async throws {
        let executable = Executables.tailor
        let traced = try await AuthBenchCluster.start(
            secured: false, executable: executable, port: port, small: load.small, gatewayArguments: ["--trace-sample", String(sample)]
        )
        defer { traced.stop() }
        let untraced = try await AuthBenchCluster.start(
            secured: false, executable: executable, port: port + 100, small: load.small, gatewayArguments: ["--trace-retention", "0"]
        )
        defer { untraced.stop() }
        let label = { (cluster: AuthBenchCluster) in cluster === traced ? "--trace-sample \(sample)" : "--trace-retention 0" }
        print("\n" + load.header("trace"))
        print("| round | cluster | answered/s | p50 ms | p99 ms | errors | cluster CPU µs per request |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        var perRequest: [Bool: [Double]] = [true: [], false: []]
        // A first, unmeasured load on each: connections, caches and the first answers.
        for cluster in [traced, untraced] {
            _ = await run(cluster, round: 0, warmup: .zero, duration: load.warmupDuration * 2)
        }
        for round in 1...load.rounds {
            for cluster in round % 2 == 1 ? [traced, untraced] : [untraced, traced] {
                let result = await run(cluster, round: round, warmup: load.warmupDuration, duration: load.measured)
                let (micros, row) = BenchLoadOptions.perRequest(result)
                perRequest[cluster === traced]!.append(micros)
                print("| \(round) | \(label(cluster)) | " + row)
                fflush(nil)
            }
        }
        let with = AuthBenchCommand.median(perRequest[true]!)
        let reference = AuthBenchCommand.median(perRequest[false]!)
        let paired = AuthBenchCommand.median(zip(perRequest[true]!, perRequest[false]!).map { $0 / $1 })
        print("\nmedian CPU per recommendation: traced \(String(format: "%.0f", with)) µs, untraced \(String(format: "%.0f", reference)) µs (the reference, same build, same run)")
        print(
            "ratio \(String(format: "%.3f", with / reference)) (median of the rounds' own ratios \(String(format: "%.3f", paired))): "
                + "tracing costs \(String(format: "%+.1f", (with / reference - 1) * 100)) % CPU per request"
        )
    }

    private func run(_ cluster: AuthBenchCluster, round: Int, warmup: Duration, duration: Duration) async -> LoadRun.Result {
        await load.load(cluster.address, cpu: cluster.cpu, round: round, eventIDPrefix: "trace", warmup: warmup, duration: duration, only: .recommendations)
    }
}
