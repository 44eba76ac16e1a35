import ArgumentParser
import Foundation
import NIOPosix
import TailorClient
import TailorCommands
import TailorProcess
import TailorSettings

#if canImport(Glibc)
import Glibc
#endif

/// `tailor-lab bench loadgen`: the load generator's own CPU per request, next to
/// nghttp2's `h2load` (HTTP/1.1, rate-limited) sending the same `GET /healthz` to the same
/// gateway at the same rates, in the same run. The generator shares the machine with the
/// cluster it measures: what it spends, the cluster does not get.
struct LoadgenBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "The load generator's CPU per request against h2load sending GET /healthz at the same rates.",
        discussion: """
            Starts `tailor local --no-demo`, then for each rate runs (a) h2load --h1 with --rps \
            (the reference; its CPU from getrusage of the waited child) and (b) tailor-lab load's \
            engine, open loop (its CPU from /proc/self), both on the given connections to \
            GET /healthz, and prints each one's CPU per request and the cluster's, with the ratio.
            """
    )

    @Option(help: "Request rates, requests/s, comma-separated.")
    var rates = "1000,3000,6000"

    @Option(help: "Time per rate and generator.")
    var duration = "10s"

    @Option(help: "Keep-alive connections of each generator.")
    var connections = 32

    @Option(help: "The gateway's port; the nodes' ports follow --node-port.")
    var port = 28_080

    @Option(help: "The first node's internal port.")
    var nodePort = 28_101

    func validate() throws {
        guard parsedRates != nil else { throw ValidationError("--rates: comma-separated rates 1...200000") }
        guard let seconds = DurationText.parse(duration), seconds >= .seconds(1) else { throw ValidationError("--duration looks like 10s (at least 1s)") }
        guard (1...1_000).contains(connections) else { throw ValidationError("--connections must be 1...1000") }
    }

    var parsedRates: [Double]? {
        let values = rates.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 200_000 }) else { return nil }
        return values.compactMap(\.self)
    }

    func run() async throws {
        let duration = DurationText.parse(duration)!
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-bench-loadgen-\(getpid())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let processes = MemberProcesses(output: .discardOutput)
        try processes.start("local", .init(executable: Executables.tailor, arguments: [
            "local", "--no-demo", "--port", String(port), "--node-port", String(nodePort),
            "--data-dir", root.appendingPathComponent("cluster").path, "--log-level", "warning",
        ]))
        defer { processes.signalAndWait("local", .terminate) }
        let target = GatewayAddress(host: "127.0.0.1", port: port)
        let api = PublicAPIClient(gateway: target)
        do {
            try await processes.waitUntil(timeout: .seconds(60), what: "the local cluster") { await api.isReady() }
        } catch {
            throw BenchError("\(error)")
        }
        // ProcessCPU always watches this process too, last: the generator's own reading.
        guard let watched = ProcessCPU(pids: ProcessCPU.children(of: processes.pid(of: "local")!)) else {
            throw BenchError("cannot read CPU times from /proc")
        }
        let cluster = { watched.sample().dropLast().compactMap(\.self).reduce(Duration.zero, +) }
        let generator = { watched.sample().last.flatMap(\.self) ?? .zero }

        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("load generator bench on \(cores) cores: GET /healthz on tailor local --no-demo, \(connections) connections, \(DurationText.describe(duration)) per rate and generator")
        print("| rate/s | generator | requests answered | errors | generator CPU µs/request | cluster CPU µs/request | generator CPU vs h2load |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        let url = "http://127.0.0.1:\(port)/healthz"
        let runner = LoadRun(
            settings: LoadRun.Settings(target: target, connections: connections, warmup: .zero, duration: duration),
            group: MultiThreadedEventLoopGroup.singleton
        )
        for rate in parsedRates! {
            // (a) h2load, the reference.
            let clusterBefore = cluster()
            let childBefore = Self.childrenCPU()
            let reference = try H2Load.runHTTP1(url: url, connections: connections, rate: rate, duration: duration)
            let referenceCPU = Self.childrenCPU() - childBefore
            let referenceCluster = cluster() - clusterBefore
            let referencePerRequest = DurationText.seconds(referenceCPU) * 1e6 / Double(max(1, reference.done))
            print(row(rate, "(a) h2load --h1 (reference)", reference.done, reference.errors, referencePerRequest, referenceCluster, reference.done, ratio: 1))

            // (b) tailor-lab load's engine.
            let ownBefore = generator()
            let clusterBefore2 = cluster()
            let result = await runner.run(rate: rate, repeating: "/healthz")
            let ownCPU = generator() - ownBefore
            let ownCluster = cluster() - clusterBefore2
            let tally = result.tally.recommendations
            let perRequest = DurationText.seconds(ownCPU) * 1e6 / Double(max(1, tally.succeeded))
            print(row(rate, "(b) tailor-lab load", tally.succeeded, tally.errorCount + tally.dropped, perRequest, ownCluster, tally.succeeded, ratio: perRequest / referencePerRequest))
            fflush(nil)
        }
    }

    private func row(_ rate: Double, _ name: String, _ done: Int, _ errors: Int, _ perRequest: Double, _ clusterCPU: Duration, _ requests: Int, ratio: Double) -> String {
        let clusterPerRequest = DurationText.seconds(clusterCPU) * 1e6 / Double(max(1, requests))
        return "| \(Int(rate)) | \(name) | \(done) | \(errors) | \(String(format: "%.1f", perRequest)) | \(String(format: "%.1f", clusterPerRequest)) | \(String(format: "%.2f", ratio)) |"
    }

    /// User and system CPU time of this process's waited-for children.
    static func childrenCPU() -> Duration {
        var usage = rusage()
        _ = getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return .seconds(Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)) + .microseconds(Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec))
    }
}

extension H2Load {
    /// Runs h2load over HTTP/1.1 against `url` at `rate` requests/s spread over
    /// `connections` (its `--rps` is per connection), for `duration`; returns the requests
    /// it saw answered and the failed ones.
    static func runHTTP1(url: String, connections: Int, rate: Double, duration: Duration) throws -> (done: Int, errors: Int) {
        let perConnection = max(1, Int((rate / Double(connections)).rounded()))
        let run = try ExternalCommand.runBlocking("h2load", [
            "--h1", "-c", String(connections), "-t", "1", "--rps", String(perConnection),
            "-D", String(duration.components.seconds), url,
        ])
        let output = run.stdoutText + String(decoding: run.stderr, as: UTF8.self)
        guard run.status == 0 else { throw BenchError("h2load exited with \(run.status):\n\(output)") }
        // "requests: 50000 total, 50000 started, 50000 done, 50000 succeeded, 0 failed, 0 errored, 0 timeout"
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("requests:") }) else {
            throw BenchError("h2load printed no request counts:\n\(output)")
        }
        func count(_ label: String) -> Int {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let field = fields.first(where: { $0.hasSuffix(" \(label)") }) else { return 0 }
            return Int(field.split(separator: " ").last { Int($0) != nil } ?? "") ?? 0
        }
        return (count("succeeded"), count("failed") + count("errored") + count("timeout"))
    }
}
