import TailorModel

/// `POST /v1/decisions`: the decision points a page needs for one shopper now, and the
/// recommendation placements it shows (both named in `points`).
package struct DecisionRequest: Codable, Sendable, Hashable {
    package var shopper: String
    package var session: String?
    package var context: RecommendationContext?
    /// Decision point ids (`hero`, `exit_offer`, …) and recommendation placements
    /// (`home_for_you`, …), each once.
    package var points: [String]
    /// How many products each recommendation placement answers (its default otherwise).
    package var k: Int?
    package var personalization: String?

    enum CodingKeys: String, CodingKey {
        case shopper = "user", session, context, points, k, personalization
    }

    /// A page has a handful of decisions; more is a program, not a page.
    package static let maximumPoints = 16
    /// Recommendation placements among the points: each one is a scatter over the cluster.
    package static let maximumPlacements = 3

    package init(
        shopper: String, session: String? = nil, context: RecommendationContext? = nil, points: [String], k: Int? = nil,
        personalization: String? = nil
    ) {
        self.shopper = shopper
        self.session = session
        self.context = context
        self.points = points
        self.k = k
        self.personalization = personalization
    }

    /// The placements among the points, in order.
    package var placements: [Placement] { points.compactMap(Placement.init(rawValue:)) }

    package func validate() throws(ValidationError) {
        try Check.identifier(shopper, "user")
        try Check.optionalIdentifier(session, "session")
        try context?.validate(field: "context")
        try Personalization.check(personalization, "personalization")
        try Check.count(points.count, "points", max: Self.maximumPoints, allowEmpty: false)
        var seen: Set<String> = []
        for (index, point) in points.enumerated() {
            guard ConfigID.isValid(point) else { throw ValidationError(field: "points[\(index)]", problem: "a decision point id has \(ConfigID.pattern)") }
            guard seen.insert(point).inserted else { throw ValidationError(field: "points[\(index)]", problem: "'\(point)' is asked for twice") }
        }
        if placements.count > Self.maximumPlacements {
            throw ValidationError(field: "points", problem: "at most \(Self.maximumPlacements) recommendation placements per decision")
        }
        if let k, k < 1 || k > Limits.maximumK {
            throw ValidationError(field: "k", problem: "must be between 1 and \(Limits.maximumK)")
        }
        // Each placement's own needs (a product for product_similar, …).
        for placement in placements { try recommendation(placement).validate() }
    }

    /// The recommendation request a placement among the points makes.
    package func recommendation(_ placement: Placement) -> RecommendationRequest {
        var request = RecommendationRequest(shopper: shopper, placement: placement)
        request.session = session
        request.context = context
        request.k = k
        request.personalization = personalization
        return request
    }
}
