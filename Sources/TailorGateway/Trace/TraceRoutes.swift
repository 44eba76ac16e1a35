import Foundation
import Hummingbird
import TailorModel
import TailorOutcomes

extension GatewayService {
    /// `GET /v1/recommendations/{recommendationId}/trace` (admin): the decision trace of a
    /// recommendation this gateway answered within the retention (docs/trace.md).
    func addTraceRoutes(to admin: RouterGroup<GatewayRequestContext>) {
        admin.get("/v1/recommendations/{id}/trace") { _, context in
            let id = try Self.pathID(context)
            guard let ref = self.recommendationIDs.decode(id), !ref.isDecision else {
                throw APIError(
                    status: .badRequest, field: "recommendationId",
                    problem: "is not the id of a recommendation this cluster made (use the recommendationId of a POST /v1/recommendations answer; a decision has no trace of its own)"
                )
            }
            guard self.traces.isOn else {
                throw APIError(
                    status: .notFound, field: "recommendationId",
                    problem: "this gateway keeps no traces (--trace-retention 0)"
                )
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            guard let trace = self.traces.trace(key: ref.canonicalKey, nowMillis: now) else {
                throw APIError(
                    status: .notFound, field: "recommendationId",
                    problem: "no trace of this recommendation on gateway '\(self.configuration.name)': traces are kept in memory by the gateway that answered, for \(DurationWords.text(self.traces.retention)) (ask that gateway)"
                )
            }
            return try JSONCoding.response(trace)
        }
    }

    /// Records the trace of an answer now final (its id, experiment and variant set).
    func recordTrace(_ trace: RecommendationTrace?, answer: RecommendationResponse, ref: RecommendationRef) {
        guard var trace else { return }
        trace.recommendationId = answer.recommendationId
        trace.at = Date(timeIntervalSince1970: Double(ref.issuedMillis) / 1000)
        trace.experiment = answer.experiment
        trace.variant = answer.variant
        trace.gateway = configuration.name
        traces.record(trace, key: ref.canonicalKey, nowMillis: ref.issuedMillis)
    }
}

/// A retention as a person writes it: `1h`, `90s`, `500ms`.
enum DurationWords {
    static func text(_ duration: Duration) -> String {
        let millis = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if millis % 3_600_000 == 0 { return "\(millis / 3_600_000)h" }
        if millis % 60_000 == 0 { return "\(millis / 60_000)m" }
        if millis % 1000 == 0 { return "\(millis / 1000)s" }
        return "\(millis)ms"
    }
}
