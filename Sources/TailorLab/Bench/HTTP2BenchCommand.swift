import ArgumentParser
import Foundation

/// `tailor-lab bench http2`: Tailor's internal HTTP/2 transport against nghttp2's own server.
struct HTTP2BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http2",
        abstract: "Requests/s and p50/p99 latency of the internal HTTP/2 transport, as ratios to h2load → nghttpd.",
        discussion: """
            Runs, for each stream count: (a) Tailor's client → Tailor's server, (b) h2load → Tailor's \
            server, (c) h2load → nghttpd serving a file of the same size. One connection, GET of a \
            --body-bytes response. Needs h2load and nghttpd (Debian nghttp2-client, nghttp2-server).
            """
    )

    @Option(help: "Seconds measured per case (after the warm-up).")
    var duration: Int = 5

    @Option(help: "Seconds of warm-up per case.")
    var warmup: Int = 1

    @Option(help: "Concurrent streams on the one connection, comma-separated.")
    var streams: String = "1,16,128"

    @Option(help: "Runs of each case; the run with the median req/s is printed.")
    var repeats: Int = 3

    @Option(help: "Which cases to run: any of a, b, c (c is the reference the ratios need).")
    var cases: String = "abc"

    @Option(help: "Response body size in bytes.")
    var bodyBytes: Int = 1024

    func validate() throws {
        guard (1...600).contains(duration) else { throw ValidationError("--duration must be 1...600 seconds") }
        guard (0...60).contains(warmup) else { throw ValidationError("--warmup must be 0...60 seconds") }
        guard (0...(16 << 20)).contains(bodyBytes) else { throw ValidationError("--body-bytes must be 0...16777216") }
        guard (1...20).contains(repeats) else { throw ValidationError("--repeats must be 1...20") }
        guard !cases.isEmpty, cases.allSatisfy({ "abc".contains($0) }) else { throw ValidationError("--cases takes letters from 'abc'") }
        let parts = streams.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, streamCounts.count == parts.count, streamCounts.allSatisfy({ (1...1000).contains($0) }) else {
            throw ValidationError("--streams must be a comma-separated list of numbers in 1...1000")
        }
    }

    var streamCounts: [Int] { streams.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        let benchmark = HTTP2Benchmark(
            duration: .seconds(duration),
            warmup: .seconds(warmup),
            bodyBytes: bodyBytes,
            cases: Set(cases),
            repeats: repeats
        )
        try await benchmark.run(streamCounts: streamCounts)
    }
}
