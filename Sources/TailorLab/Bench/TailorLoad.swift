import HTTPTypes
import Histogram
import NIOCore
import Synchronization
import TailorHTTP2

/// Closed-loop load from Tailor's own client: `streams` callers, each sending its
/// next request as soon as the previous answer arrives (what h2load -m does).
struct TailorLoad {
    let client: HTTP2Client
    let peer: HTTP2Peer
    let path: String
    let streams: Int

    func run(warmup: Duration, duration: Duration) async throws -> LoadResult {
        _ = try await measure(for: warmup)
        return try await measure(for: duration)
    }

    private func measure(for duration: Duration) async throws -> LoadResult {
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + duration
        let perCaller = try await withThrowingTaskGroup(of: (Histogram<UInt64>, Int, Int).self) { group in
            for _ in 0..<streams {
                group.addTask {
                    var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                    var done = 0
                    var errors = 0
                    while clock.now < end {
                        let sent = clock.now
                        do {
                            let response = try await client.call(peer, method: .get, path: path, timeout: .seconds(10))
                            if response.status == .ok { done += 1 } else { errors += 1 }
                        } catch {
                            errors += 1
                        }
                        let micros = (clock.now - sent).components
                        _ = latencies.record(UInt64(micros.seconds * 1_000_000 + micros.attoseconds / 1_000_000_000_000))
                    }
                    return (latencies, done, errors)
                }
            }
            var all: [(Histogram<UInt64>, Int, Int)] = []
            for try await result in group { all.append(result) }
            return all
        }
        var merged = Histogram<UInt64>(highestTrackableValue: 60_000_000)
        for (histogram, _, _) in perCaller { merged.add(histogram) }
        return LoadResult(
            requests: perCaller.reduce(0) { $0 + $1.1 },
            errors: perCaller.reduce(0) { $0 + $1.2 },
            elapsed: clock.now - start,
            latencies: merged
        )
    }
}
