import TailorModel

/// A segment as a shop writes it (`PUT /v1/segments/{id}`): a rule over the shopper
/// facts, and optionally what recommendations for its members use when the request
/// does not say. Replicated across the cluster as this JSON.
package struct SegmentDefinition: Codable, Sendable, Hashable {
    /// The rule in the segment language (``SegmentRule``), e.g. `orders > 3 and lifetime_value > 300`.
    package var rule: String
    package var description: String?
    /// Lower first (default ``defaultPriority``; ties by id): when a shopper is in
    /// several segments, the first one's recommendations apply.
    package var priority: Int?
    package var recommendations: Recommendations?

    /// What a recommendation request of a member uses for what it leaves out.
    package struct Recommendations: Codable, Sendable, Hashable {
        package var strategy: Strategy?
        package var weights: SignalWeightOverrides?
        package var filters: RecommendationFilters?

        package init(strategy: Strategy? = nil, weights: SignalWeightOverrides? = nil, filters: RecommendationFilters? = nil) {
            self.strategy = strategy
            self.weights = weights
            self.filters = filters
        }
    }

    package static let defaultPriority = 100
    package static let priorityRange = 0...10_000
    package static let maximumDescriptionCharacters = 500

    package init(rule: String, description: String? = nil, priority: Int? = nil, recommendations: Recommendations? = nil) {
        self.rule = rule
        self.description = description
        self.priority = priority
        self.recommendations = recommendations
    }

    package var resolvedPriority: Int { priority ?? Self.defaultPriority }

    /// Checks every field and answers the parsed rule; a refused rule names field
    /// `rule` and says where and why (`at 12: 'ordrs' is not a fact; …`).
    @discardableResult
    package func validate() throws(ValidationError) -> SegmentRule {
        let parsed: SegmentRule
        do { parsed = try SegmentRule.parse(rule) } catch { throw ValidationError(field: "rule", problem: error.description) }
        if let description, description.count > Self.maximumDescriptionCharacters {
            throw ValidationError(field: "description", problem: "is longer than \(Self.maximumDescriptionCharacters) characters")
        }
        if let priority, !Self.priorityRange.contains(priority) {
            throw ValidationError(
                field: "priority", problem: "must be an integer from \(Self.priorityRange.lowerBound) to \(Self.priorityRange.upperBound)"
            )
        }
        try recommendations?.weights?.validate(field: "recommendations.weights")
        try recommendations?.filters?.validate(field: "recommendations.filters")
        return parsed
    }
}
