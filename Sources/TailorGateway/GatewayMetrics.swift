import Metrics
import TailorModel

/// The gateway's own metrics (README, Deployment), each made once, on first use —
/// after `Observability.bootstrap()` in `tailor gateway` — instead of a factory lookup
/// on every request.
enum GatewayMetrics {
    static let recommendationDuration: [Placement: Timer] = Dictionary(uniqueKeysWithValues: Placement.allCases.map {
        ($0, Timer(label: "tailor_recommendation_duration_seconds", dimensions: [("placement", $0.rawValue)]))
    })
    /// Answers per placement, by coverage: full, or degraded (a partition missed the deadline).
    static let recommendations: [Placement: (full: Counter, degraded: Counter)] = Dictionary(uniqueKeysWithValues: Placement.allCases.map { placement in
        let counter = { (coverage: String) in
            Counter(label: "tailor_recommendations_total", dimensions: [("placement", placement.rawValue), ("coverage", coverage)])
        }
        return (placement, (counter("full"), counter("degraded")))
    })
    static let hedges = Counter(label: "tailor_hedges_total")
    static let eventsAccepted = Counter(label: "tailor_events_accepted_total")
    static let eventsDuplicate = Counter(label: "tailor_events_duplicate_total")
    /// Events of shoppers without consent: counted anonymously, not stored.
    static let eventsNotStored = Counter(label: "tailor_events_not_stored_total")
    /// Shoppers erased because an event withdrew their consent.
    static let consentWithdrawals = Counter(label: "tailor_consent_withdrawals_total")
    /// Anonymous shoppers' histories merged into known shoppers (a repeat counts again).
    static let identityMerges = Counter(label: "tailor_identity_merges_total")
    /// Events copied into a known shopper's history by those merges (new copies only).
    static let eventsMerged = Counter(label: "tailor_events_merged_total")
    /// The last minute of this gateway's traffic, per second (`GET /v1/cluster/traffic`).
    static let traffic = TrafficMeter()
}
