import Foundation
import HTTPTypes
import Histogram
import NIOCore
import NIOPosix
import Logging
import TailorHTTP2
import TailorTesting

/// The three cases of `tailor-lab bench http2` and the table they print.
struct HTTP2Benchmark {
    let duration: Duration
    let warmup: Duration
    let bodyBytes: Int
    let cases: Set<Character>
    let repeats: Int

    struct Row {
        var streams: Int
        var label: String
        var result: LoadResult
    }

    func run(streamCounts: [Int]) async throws {
        let body = ByteBuffer(repeating: UInt8(ascii: "t"), count: bodyBytes)
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("body")
        try Data(repeating: UInt8(ascii: "t"), count: bodyBytes).write(to: file)
        // Ready when it returns (it accepts connections).
        let nghttpd = try await Nghttpd.start(serving: directory.url)
        defer { nghttpd.stop() }

        // One event loop for the server, one for the client: as single-threaded as nghttpd and h2load.
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var router = HTTP2Router()
        router.on(.get, "/body") { _, _ in HTTP2Response(status: .ok, body: body) }
        var quiet = Logger(label: "tailor.bench")
        quiet.logLevel = .warning
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let server = HTTP2Server(router: router, eventLoopGroup: serverGroup, logger: quiet) { portSink.yield($0.port!) }

        printHeader()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var portIterator = ports.makeAsyncIterator()
            guard let port = await portIterator.next() else { return }
            let client = HTTP2Client(eventLoopGroup: clientGroup, logger: quiet)
            for streams in streamCounts {
                let tailor = HTTP2Peer(host: "127.0.0.1", port: port)
                var caseRows: [Row] = []
                if cases.contains("a") {
                    let load = TailorLoad(client: client, peer: tailor, path: "/body", streams: streams)
                    var runs: [LoadResult] = []
                    for _ in 0..<repeats { runs.append(try await load.run(warmup: warmup, duration: duration)) }
                    let a = LoadResult.median(runs)
                    caseRows.append(Row(streams: streams, label: "(a) Tailor client → Tailor server", result: a))
                }
                if cases.contains("b") {
                    let b = try median { try H2Load(url: "http://127.0.0.1:\(port)/body", streams: streams).run(warmup: warmup, duration: duration) }
                    caseRows.append(Row(streams: streams, label: "(b) h2load → Tailor server", result: b))
                }
                var reference: LoadResult?
                if cases.contains("c") {
                    let c = try median { try H2Load(url: "http://127.0.0.1:\(nghttpd.port)/body", streams: streams).run(warmup: warmup, duration: duration) }
                    caseRows.append(Row(streams: streams, label: "(c) h2load → nghttpd (reference)", result: c))
                    reference = c
                }
                for row in caseRows { printRow(row, reference: reference) }
            }
            await client.shutdown()
            server.beginGracefulShutdown()
            try await group.waitForAll()
        }
        try await serverGroup.shutdownGracefully()
        try await clientGroup.shutdownGracefully()
    }

    private func median(_ run: () throws -> LoadResult) throws -> LoadResult {
        LoadResult.median(try (0..<repeats).map { _ in try run() })
    }

    private func printHeader() {
        print("tailor bench http2: \(bodyBytes)-byte GET responses, one connection, \(duration) measured after \(warmup) warm-up per case")
        print("each row is the median-throughput run of \(repeats); latencies are that run's percentiles")
        print("machine: \(MachineDescription.current)")
        print("")
        print("| streams | case | req/s | p50 ms | p99 ms | req/s vs (c) |")
        print("| ---: | --- | ---: | ---: | ---: | ---: |")
    }

    private func printRow(_ row: Row, reference: LoadResult?) {
        let ratio = reference.map { $0.requestsPerSecond > 0 ? "\(format(row.result.requestsPerSecond / $0.requestsPerSecond * 100, 1)) %" : "-" } ?? "-"
        print(
            "| \(row.streams) | \(row.label) | \(format(row.result.requestsPerSecond, 0)) | \(format(row.result.p50Milliseconds, 3)) | \(format(row.result.p99Milliseconds, 3)) | \(ratio) |"
        )
        if row.result.errors > 0 { print("  (\(row.result.errors) errors)") }
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

/// Throughput and latency of one case.
struct LoadResult {
    var requestsPerSecond: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var errors: Int

    init(requests: Int, errors: Int, elapsed: Duration, latencies: Histogram<UInt64>) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        self.requestsPerSecond = seconds > 0 ? Double(requests) / seconds : 0
        self.p50Milliseconds = Double(latencies.valueAtPercentile(50)) / 1000
        self.p99Milliseconds = Double(latencies.valueAtPercentile(99)) / 1000
        self.errors = errors
    }
}

extension LoadResult {
    /// The run with the median throughput (the upper middle one for an even count).
    static func median(_ runs: [LoadResult]) -> LoadResult {
        runs.sorted { $0.requestsPerSecond < $1.requestsPerSecond }[runs.count / 2]
    }
}

enum MachineDescription {
    static var current: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let model = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n")
            .first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(cores) cores, \(model)"
    }
}

/// A directory under the system's temporary folder, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
