import Metrics
import Prometheus

/// The process's metrics: swift-metrics (what the code records: `Counter`, `Timer`,
/// `Gauge`) backed by swift-prometheus (what `/metrics` shows, in the Prometheus
/// text format). A member calls ``bootstrap()`` once at start; before that (and in
/// tests that never call it) every metric is a no-op.
package enum Observability {
    /// The registry `/metrics` renders.
    package static let registry = PrometheusCollectorRegistry()

    /// Latency buckets for Tailor's timers: the recommendation budget is milliseconds.
    static let durationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5),
    ]

    private static let bootstrapped: Bool = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitized(name), labels.map { (sanitized($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return true
    }()

    /// Routes swift-metrics to the Prometheus registry (once per process; later calls do nothing).
    package static func bootstrap() {
        _ = bootstrapped
    }

    /// Every metric now, in the Prometheus text exposition format.
    package static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    /// The content type of ``exposition()``.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A Prometheus name: letters, digits, `_` and `:` only (libraries name metrics
    /// `http.server.requests`; Prometheus wants `http_server_requests`).
    static func sanitized(_ name: String) -> String {
        var result = ""
        for (index, character) in name.enumerated() {
            let allowed = character.isASCII && (character.isLetter || character == "_" || character == ":" || (index > 0 && character.isNumber))
            result.append(allowed ? character : "_")
        }
        return result
    }
}

