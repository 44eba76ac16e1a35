import Foundation
import Synchronization

/// The thread-safe shell of ``TrafficWindow``: the request path, the recommender, the
/// hedging client and the event writes count into it (``GatewayMetrics/traffic``), and
/// `GET /v1/cluster/traffic` reads it. One short lock per count, no allocation.
final class TrafficMeter: Sendable {
    private let window: Mutex<TrafficWindow>
    /// Unix seconds now.
    private let clock: @Sendable () -> Int64

    init(clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.clock = clock
        window = Mutex(TrafficWindow(startedAt: clock()))
    }

    func count(_ kind: TrafficWindow.Request) {
        let now = clock()
        window.withLock { $0.count(kind, at: now) }
    }

    func countRecommendation(took: Duration, degraded: Bool) {
        let now = clock()
        let (seconds, attoseconds) = took.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        window.withLock { $0.countRecommendation(milliseconds: milliseconds, degraded: degraded, at: now) }
    }

    func countHedge() {
        let now = clock()
        window.withLock { $0.countHedge(at: now) }
    }

    func countEventsAccepted(_ count: Int) {
        let now = clock()
        window.withLock { $0.countEventsAccepted(count, at: now) }
    }

    func report(gateway: String) -> TrafficReport {
        let now = clock()
        return window.withLock { $0.report(gateway: gateway, at: now) }
    }
}
