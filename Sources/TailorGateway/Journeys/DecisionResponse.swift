import TailorJourneys
import TailorModel

/// `POST /v1/decisions`' answer: the shopper's segments now, each decision point's
/// treatment and why, and each recommendation placement's answer.
struct DecisionResponse: Encodable, Sendable {
    struct PointAnswer: Encodable, Sendable {
        var point: String
        /// Nil when nothing is shown on the point.
        var treatment: DecisionPointDefinition.Treatment?
        /// Names the decision in the events that follow (impression, click, purchase), like
        /// a `recommendationId`; absent when nothing is shown.
        var decisionId: String?
        var why: String
        var segment: String?
        var experiment: String?
        var variant: String?
    }

    var user: String
    /// The segments the shopper is in, in priority order (ids only: the facts that
    /// decided are `GET /v1/shoppers/{id}/segments`' to show, with a private key).
    var segments: [String]
    var decisions: [PointAnswer]
    var recommendations: [RecommendationResponse]
    var personalization: Personalization
    /// False when the facts or a placement's scoring were incomplete; `reasons` says why.
    var degraded: Bool
    var reasons: [String]?
    var tookMs: Double
}

/// `GET /v1/shoppers/{id}/segments`' answer.
struct ShopperSegmentsView: Encodable, Sendable {
    var user: String
    var segments: [SegmentMatch]
    /// Every fact with its value now.
    var facts: [String: FactValue]
    /// Whether the shopper's partition answered (else the facts are an unknown shopper's).
    var complete: Bool
    var reasons: [String]?
}
