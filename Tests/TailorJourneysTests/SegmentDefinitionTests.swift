import Foundation
import TailorModel
import Testing
@testable import TailorJourneys

@Suite struct SegmentDefinitionTests {
    static func refusal(_ definition: SegmentDefinition) -> ValidationError? {
        do { try definition.validate() } catch { return error }
        return nil
    }

    @Test("a valid segment answers its parsed rule")
    func valid() throws {
        let rule = try SegmentDefinition(
            rule: "orders > 3 and lifetime_value > 300", description: "Big spenders", priority: 10,
            recommendations: .init(strategy: .margin, weights: .init(margin: 2), filters: .init(minPrice: 20))
        ).validate()
        #expect(rule.factNames == ["orders", "lifetime_value"])
    }

    @Test("a bad rule is refused naming field rule, with the position and the reason")
    func badRule() throws {
        let error = try #require(Self.refusal(SegmentDefinition(rule: "orders > 3 and ordrs > 1")))
        #expect(error.field == "rule")
        #expect(error.problem.hasPrefix("at 16: 'ordrs' is not a fact"), "\(error.problem)")
        #expect(Self.refusal(SegmentDefinition(rule: "device > 3"))?.field == "rule")
    }

    @Test("each other refusal names its field", arguments: [
        (SegmentDefinition(rule: "orders > 1", description: String(repeating: "x", count: 501)), "description"),
        (SegmentDefinition(rule: "orders > 1", priority: -1), "priority"),
        (SegmentDefinition(rule: "orders > 1", priority: 10_001), "priority"),
        (SegmentDefinition(rule: "orders > 1", recommendations: .init(weights: .init(content: 11))), "recommendations.weights.content"),
        (SegmentDefinition(rule: "orders > 1", recommendations: .init(filters: .init(minPrice: 5, maxPrice: 1))), "recommendations.filters.maxPrice"),
    ])
    func refusals(definition: SegmentDefinition, field: String) {
        #expect(Self.refusal(definition)?.field == field)
    }

    @Test("the JSON a shop writes decodes, and priority defaults to 100")
    func decodes() throws {
        let json = #"{"rule":"cart_items > 0","recommendations":{"strategy":"stock","filters":{"category":"Shoes"}}}"#
        let definition = try JSONDecoder().decode(SegmentDefinition.self, from: Data(json.utf8))
        #expect(definition.resolvedPriority == 100)
        #expect(definition.recommendations?.strategy == .stock)
        #expect(definition.recommendations?.filters?.category == "Shoes")
    }

    @Test("the five defaults are valid definitions, each with a description")
    func defaults() {
        #expect(DefaultSegments.definitions.map(\.id) == ["ready_to_buy", "browsing", "loyal", "new", "at_risk"])
        for (id, definition) in DefaultSegments.definitions {
            #expect(Self.refusal(definition) == nil, "\(id)")
            #expect(!(definition.description ?? "").isEmpty, "\(id)")
        }
    }
}
