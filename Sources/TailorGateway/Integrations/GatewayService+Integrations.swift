import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import TailorImport
import TailorModel
import TailorOutcomes

/// `POST /v1/integrations/…`: what was done with the request's messages.
struct IntegrationResult: Encodable, Sendable {
    /// Messages in the request.
    var received: Int
    /// Events stored for the first time, and those already held (a replay of a message).
    var accepted: Int
    var duplicates: Int
    /// Events of shoppers without consent to personalisation (counted anonymously only).
    var notStored: Int?
    /// Anonymous-to-known pairs merged (or found merged recently by this gateway).
    var merged: Int
    /// Well-formed messages, or parts of one, with no counterpart in Tailor.
    var ignored: Int
    /// Messages refused, each whole: nothing of them was written. Absent when none.
    var refused: [IntegrationIntake.Refusal]?
}

/// Messages of the integrations by source and outcome: `accepted` (taken, whole), `refused`
/// (nothing of it written); `ignored` counts the messages, or parts of one, Tailor has no use for.
enum IntegrationMetrics {
    static let messages: [String: (accepted: Counter, ignored: Counter, refused: Counter)] = Dictionary(
        uniqueKeysWithValues: ["segment", "rudderstack", "ga4"].map { source in
            let counter = { (outcome: String) in
                Counter(label: "tailor_integration_messages_total", dimensions: [("source", source), ("outcome", outcome)])
            }
            return (source, (counter("accepted"), counter("ignored"), counter("refused")))
        }
    )
}

// Live streams in the formats shops already emit: Segment's and RudderStack's webhook
// destinations, GA4 Measurement Protocol bodies. The mappings are TailorImport's.
extension GatewayService {
    /// Messages one request may carry (a batch of Segment's webhook destination).
    static let maximumIntegrationMessages = 1_000

    /// The integration routes on `shop` (a private key: they carry purchases and link
    /// identities).
    func addIntegrationRoutes(to shop: RouterGroup<GatewayRequestContext>, writes: WriteRouter) {
        for source in ["segment", "rudderstack"] {
            shop.post("/v1/integrations/\(source)") { request, _ in
                let body = try await JSONCoding.decode(JSONValue.self, from: request)
                let intake = try self.segmentIntake(body)
                return try JSONCoding.response(try await self.ingest(intake, source: source, writes: writes))
            }
        }
        shop.post("/v1/integrations/ga4") { request, _ in
            let body = try await JSONCoding.decode(JSONValue.self, from: request)
            var intake = IntegrationIntake()
            intake.add(body, path: "", index: nil, now: Date(), map: GA4Mapping.map, recommendationIsValid: self.isOwnRecommendationID)
            return try JSONCoding.response(try await self.ingest(intake, source: "ga4", writes: writes))
        }
    }

    /// One Segment message, or `{"batch": [...]}` of them.
    private func segmentIntake(_ body: JSONValue) throws -> IntegrationIntake {
        guard body.objectValue != nil else {
            throw APIError(status: .badRequest, field: "body", problem: "is a Segment message or {\"batch\": [...]} of them")
        }
        var intake = IntegrationIntake()
        let isValid = self.isOwnRecommendationID
        guard let batch = body["batch"] else {
            intake.add(body, path: "", index: nil, now: Date(), map: SegmentMapping.map, recommendationIsValid: isValid)
            return intake
        }
        guard let messages = batch.arrayValue else {
            throw APIError(status: .badRequest, field: "batch", problem: "must be a list of messages")
        }
        do throws(ValidationError) {
            try Check.count(messages.count, "batch", max: Self.maximumIntegrationMessages, allowEmpty: false)
        } catch { throw APIError(error) }
        let now = Date()
        for (index, message) in messages.enumerated() {
            intake.add(message, path: "batch[\(index)]", index: index, now: now, map: SegmentMapping.map, recommendationIsValid: isValid)
        }
        return intake
    }

    /// Writes what the messages became: the identity merges first, then the events (each
    /// as `POST /v1/events` would). A request whose every message is refused answers 400
    /// naming the first one's field, having written nothing; otherwise the refused ones
    /// are listed and the rest is written (a webhook sender does not resend a 4xx, so a
    /// batch refused whole for one bad message would lose the good ones).
    private func ingest(_ intake: IntegrationIntake, source: String, writes: WriteRouter) async throws -> IntegrationResult {
        let counters = IntegrationMetrics.messages[source]
        counters?.refused.increment(by: intake.refused.count)
        if let first = intake.refused.first, intake.refused.count == intake.received {
            throw APIError(status: .badRequest, field: first.field, problem: first.problem)
        }
        let batch = EventBatch(events: intake.events)
        let merges = intake.merges + announcedMerges(batch)
        try await writes.mergeAnnounced(merges, recent: recentMerges)
        let written = intake.events.isEmpty ? EventBatchResult(accepted: 0, duplicates: 0, ids: []) : try await writes.write(batch)
        counters?.accepted.increment(by: intake.received - intake.refused.count)
        counters?.ignored.increment(by: intake.ignored)
        return IntegrationResult(
            received: intake.received, accepted: written.accepted, duplicates: written.duplicates, notStored: written.notStored,
            merged: Set(merges.filter { $0.anonymous != $0.shopper }.map { [$0.anonymous, $0.shopper] }).count, ignored: intake.ignored,
            refused: intake.refused.isEmpty ? nil : intake.refused
        )
    }
}
