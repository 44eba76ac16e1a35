import Foundation
import Histogram
import TailorProcess

/// Runs nghttp2's `h2load` against a URL on one connection and reads its per-request log.
struct H2Load {
    let url: String
    let streams: Int

    func run(warmup: Duration, duration: Duration) throws -> LoadResult {
        let directory = try TemporaryDirectory()
        let log = directory.url.appendingPathComponent("requests.log")
        let output = try Self.run(
            "h2load",
            [
                "-c", "1", "-t", "1", "-m", String(streams),
                "-D", String(duration.components.seconds),
                "--warm-up-time", String(warmup.components.seconds),
                "--log-file", log.path,
                url,
            ]
        )
        // "finished in 5.00s, 104123.40 req/s, 107.06MB/s"
        guard let finished = output.split(separator: "\n").first(where: { $0.hasPrefix("finished in") }),
            let rate = finished.split(separator: ",").dropFirst().first?.split(separator: " ").first.flatMap({ Double($0) })
        else { throw BenchError("h2load printed no result:\n\(output)") }
        var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000)
        var errors = 0
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        for line in lines {
            let columns = line.split(separator: "\t")
            guard columns.count >= 3, let status = Int(columns[1]), let micros = UInt64(columns[2]) else { continue }
            if status != 200 { errors += 1 }
            _ = latencies.record(micros)
        }
        var result = LoadResult(requests: 0, errors: errors, elapsed: .seconds(1), latencies: latencies)
        result.requestsPerSecond = rate
        return result
    }

    /// Runs a program found on PATH and returns its standard output and error; throws if it fails.
    private static func run(_ program: String, _ arguments: [String]) throws -> String {
        let run = try ExternalCommand.runBlocking(program, arguments)
        let output = run.stdoutText + String(decoding: run.stderr, as: UTF8.self)
        guard run.status == 0 else { throw BenchError("\(program) exited with \(run.status):\n\(output)") }
        return output
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

