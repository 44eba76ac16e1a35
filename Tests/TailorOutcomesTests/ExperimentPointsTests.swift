import Foundation
import Testing
import TailorModel
@testable import TailorOutcomes

/// Experiments on decision points: their variants are treatments, and a definition
/// that mixes placements and points, or gives a treatment scoring settings, is refused
/// naming the field.
@Suite struct ExperimentPointsTests {
    static let treatments = [ExperimentDefinition.Variant(name: "ten_percent", share: 0.5), .init(name: "free_shipping", share: 0.5)]

    static func onPoints(
        _ points: [String], placements: [Placement] = [], variants: [ExperimentDefinition.Variant] = treatments,
        context: ExperimentDefinition.ContextFact? = nil, allocation: ExperimentDefinition.Allocation = .fixed
    ) -> ExperimentDefinition {
        ExperimentDefinition(
            placements: placements, objective: .conversions, allocation: allocation, variants: variants, context: context, points: points
        )
    }

    @Test func anExperimentOnPointsIsValid() throws {
        try Self.onPoints(["exit_offer", "discount_offer"]).validate()
        let bandit = [ExperimentDefinition.Variant(name: "a"), .init(name: "b")]
        try Self.onPoints(["hero"], variants: bandit, context: .segment, allocation: .bandit).validate()
    }

    static let refusals: [(String, ExperimentDefinition, String)] = [
        ("placements and points", onPoints(["hero"], placements: [.homeForYou]), "points"),
        ("neither placements nor points", onPoints([]), "placements"),
        ("a point spelled like a placement", onPoints(["home_for_you"]), "points[0]"),
        ("a point named twice", onPoints(["hero", "hero"]), "points[1]"),
        ("an empty point", onPoints([""]), "points[0]"),
        ("a treatment with a strategy", onPoints(["hero"], variants: [.init(name: "a", share: 0.5, strategy: .margin), .init(name: "b", share: 0.5)]), "variants[0].strategy"),
        ("a treatment with a control", onPoints(["hero"], variants: [.init(name: "a", share: 0.5), .init(name: "b", share: 0.5, control: .holdout)]), "variants[1].control"),
        ("a treatment with k", onPoints(["hero"], variants: [.init(name: "a", share: 0.5, k: 3), .init(name: "b", share: 0.5)]), "variants[0].k"),
        ("shares that do not add up", onPoints(["hero"], variants: [.init(name: "a", share: 0.5), .init(name: "b", share: 0.4)]), "variants"),
    ]

    @Test(arguments: refusals)
    func aBadDefinitionNamesTheField(_ why: String, _ definition: ExperimentDefinition, _ field: String) {
        #expect(throws: ValidationError.self, "\(why)") { try definition.validate() }
        do { try definition.validate() } catch { #expect(error.field == field, "\(why): \(error)") }
    }

    @Test func aBodyWithPointsAndNoPlacementsReads() throws {
        let body = #"{"points":["exit_offer"],"objective":"revenue","allocation":"bandit","context":"segment","variants":[{"name":"a"},{"name":"b"}]}"#
        let definition = try JSONDecoder().decode(ExperimentDefinition.self, from: Data(body.utf8))
        #expect(definition.placements.isEmpty && definition.points == ["exit_offer"] && definition.context == .segment)
        try definition.validate()
        let again = try JSONDecoder().decode(ExperimentDefinition.self, from: JSONEncoder().encode(definition))
        #expect(again == definition)
    }

    @Test func aBodyWithPlacementsReadsAsBefore() throws {
        let body = #"{"placements":["product_similar"],"objective":"clicks","allocation":"fixed","variants":[{"name":"a","share":0.5},{"name":"b","share":0.5,"control":"popularity"}]}"#
        let definition = try JSONDecoder().decode(ExperimentDefinition.self, from: Data(body.utf8))
        #expect(definition.placements == [.productSimilar] && definition.points == nil)
        try definition.validate()
    }
}
