import Foundation
import Synchronization

/// What the clients did during a scenario: every write batch (its event ids, when it was
/// sent, how it ended) and every recommendation (when, status, latency, coverage).
struct ChaosHistory: Sendable {
    struct Write: Sendable {
        var ids: [String]
        var user: String
        var at: Double
        var status: Int
    }

    struct Read: Sendable {
        var at: Double
        var status: Int
        var milliseconds: Double
        var fullCoverage: Bool
    }

    var writes: [Write] = []
    var reads: [Read] = []
}

/// Clients at a fixed rate, whatever the answers do: `writesPerSecond` batches of 5
/// events (unique ids, one of 50 shoppers each), and `readsPerSecond` recommendations.
final class ChaosLoad: Sendable {
    let gatewayURL: String
    let writesPerSecond: Double
    let readsPerSecond: Double
    let started = ContinuousClock.now
    private let history = Mutex(ChaosHistory())

    init(gatewayURL: String, writesPerSecond: Double = 20, readsPerSecond: Double = 20) {
        self.gatewayURL = gatewayURL
        self.writesPerSecond = writesPerSecond
        self.readsPerSecond = readsPerSecond
    }

    /// Seconds since the load started.
    var now: Double { Self.seconds(ContinuousClock.now - started) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    var recorded: ChaosHistory { history.withLock { $0 } }

    /// Runs until cancelled.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.schedule(rate: self.writesPerSecond) { number in await self.write(number) } }
            group.addTask { await self.schedule(rate: self.readsPerSecond) { number in await self.read(number) } }
        }
    }

    private func schedule(rate: Double, _ send: @escaping @Sendable (Int) async -> Void) async {
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        var next = ContinuousClock.now
        var number = 0
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                number += 1
                let current = number
                group.addTask { await send(current) }
                next += interval
                do { try await Task.sleep(until: next, clock: .continuous) } catch { break }
            }
        }
    }

    private func write(_ number: Int) async {
        let user = "chaos-\(number % 50)"
        let ids = (0..<5).map { "w\(number)-\($0)" }
        let events = ids.map { #"{"id":"\#($0)","type":"view","user":"\#(user)","product":"p\#(String(format: "%05d", (number * 7 + $0.count) % 2000))"}"# }
        let at = now
        let status = (try? await ChaosHTTP.post("\(gatewayURL)/v1/events", json: #"{"events":[\#(events.joined(separator: ","))]}"#).0) ?? 0
        history.withLock { $0.writes.append(.init(ids: ids, user: user, at: at, status: status)) }
    }

    private func read(_ number: Int) async {
        let at = now
        let sent = ContinuousClock.now
        var status = 0
        var full = false
        if let (code, data) = try? await ChaosHTTP.post(
            "\(gatewayURL)/v1/recommendations", json: #"{"user":"u\#(String(format: "%05d", number % 3000))","placement":"home_for_you"}"#
        ) {
            status = code
            if let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                let coverage = answer["coverage"] as? [String: Any]
            {
                full = (coverage["answered"] as? Int) == (coverage["partitions"] as? Int)
            }
        }
        let milliseconds = Self.seconds(ContinuousClock.now - sent) * 1000
        history.withLock { $0.reads.append(.init(at: at, status: status, milliseconds: milliseconds, fullCoverage: full)) }
    }
}
