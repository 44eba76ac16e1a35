/// The recommendation answer as the outcome loop speaks it (DESIGN.md §3), read by
/// the simulator alone: TailorModel's `RecommendationResponse` does not carry the
/// loop's fields yet.
///
/// It decodes only what a shopper sees — which products, where — and never the
/// scores, signals or reasons, so nothing Tailor thinks can sway a simulated shopper.
struct OutcomeAnswer: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        var product: String
        /// 1-based; the answer's order when the gateway does not say.
        var position: Int?
    }

    var recommendationId: String?
    /// Absent when no experiment runs on the placement.
    var experiment: String?
    var variant: String?
    var items: [Item]

    /// The shown product ids by position, position 1 first.
    var shown: [String] {
        items.enumerated()
            .sorted { ($0.element.position ?? $0.offset + 1) < ($1.element.position ?? $1.offset + 1) }
            .map(\.element.product)
    }

    /// `experiment/variant`, or ``SimulationTally/noExperiment``.
    var variantKey: String {
        guard let experiment else { return SimulationTally.noExperiment }
        return experiment + "/" + (variant ?? "?")
    }
}

/// One event of `POST /v1/events` as the outcome loop speaks it: `impression` is a
/// type TailorModel's `EventType` does not have yet, and any event may carry the
/// `recommendationId` of the answer that showed its product.
struct OutcomeEvent: Encodable, Sendable {
    var id: String
    var type: String
    var user: String
    var session: String?
    var product: String?
    var products: [String]?
    var quantity: Int?
    var price: Double?
    var recommendationId: String?
}

/// The body of `POST /v1/events`.
struct OutcomeEventBatch: Encodable, Sendable {
    var events: [OutcomeEvent]
}
