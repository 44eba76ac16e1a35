import Foundation
import TailorModel
import Testing
@testable import TailorScoring

@Suite struct StrategySettingsTests {
    static func decode(_ json: String) throws -> StrategySettings {
        try JSONDecoder().decode(StrategySettings.self, from: Data(json.utf8))
    }

    static func refusal(_ settings: StrategySettings) -> String? {
        do throws(ValidationError) {
            try settings.validate()
            return nil
        } catch {
            return error.field
        }
    }

    @Test("the PUT body decodes with every field, and with none")
    func decodesTheBody() throws {
        let full = try Self.decode(
            #"{"strategy":"margin","k":3,"mix":true,"maxCategoryShare":0.4,"weights":{"margin":{"margin":0.5},"stock":{}},"note":"summer sale"}"#
        )
        #expect(full.strategy == .margin && full.k == 3 && full.mix == true && full.maxCategoryShare == 0.4 && full.note == "summer sale")
        #expect(full.overrides(for: .margin) == SignalWeightOverrides(margin: 0.5))
        #expect(full.overrides(for: .stock) == nil, "empty overrides count as none")
        #expect(Self.refusal(full) == nil)
        let empty = try Self.decode("{}")
        #expect(empty.isBuiltIn && Self.refusal(empty) == nil)
        #expect(empty.resolvedK == Limits.defaultK && empty.resolvedStrategy == .conversion && empty.resolvedMaxCategoryShare == 0.6)
    }

    @Test(
        "each bad field is refused by name",
        arguments: [
            (StrategySettings(k: 0), "k"),
            (StrategySettings(k: Limits.maximumK + 1), "k"),
            (StrategySettings(maxCategoryShare: 0.05), "maxCategoryShare"),
            (StrategySettings(maxCategoryShare: 1.5), "maxCategoryShare"),
            (StrategySettings(maxCategoryShare: .nan), "maxCategoryShare"),
            (StrategySettings(weights: ["convertion": SignalWeightOverrides(popularity: 1)]), "weights.convertion"),
            (StrategySettings(weights: ["margin": SignalWeightOverrides(margin: 11)]), "weights.margin.margin"),
            (StrategySettings(weights: ["stock": SignalWeightOverrides(content: -1)]), "weights.stock.content"),
            (StrategySettings(note: String(repeating: "é", count: 257)), "note"),
        ]
    )
    func refusesBadFields(settings: StrategySettings, field: String) {
        #expect(Self.refusal(settings) == field)
    }

    @Test("the limits themselves are accepted")
    func acceptsTheLimits() {
        for settings in [
            StrategySettings(k: 1), StrategySettings(k: Limits.maximumK), StrategySettings(maxCategoryShare: 0.1),
            StrategySettings(maxCategoryShare: 1.0), StrategySettings(note: String(repeating: "a", count: 512)),
        ] {
            #expect(Self.refusal(settings) == nil, "\(settings)")
        }
    }

    @Test("saved settings fill only what the request leaves unset")
    func requestFieldsWin() {
        let settings = StrategySettings(
            strategy: .stock, k: 3, mix: true, maxCategoryShare: 0.4,
            weights: ["stock": SignalWeightOverrides(stockPressure: 0.9), "margin": SignalWeightOverrides(margin: 0.8)]
        )
        let bare = settings.filling(RecommendationRequest(shopper: "u1", placement: .homeForYou))
        #expect(bare.strategy == .stock && bare.k == 3 && bare.mix == true && bare.maxCategoryShare == 0.4)
        #expect(bare.weights == SignalWeightOverrides(stockPressure: 0.9), "the weights saved for the saved strategy")

        let own = RecommendationRequest(
            shopper: "u1", placement: .homeForYou, k: 7, strategy: .margin, weights: SignalWeightOverrides(popularity: 1), mix: false
        )
        let filled = settings.filling(own)
        #expect(filled.strategy == .margin && filled.k == 7 && filled.mix == false)
        #expect(filled.weights == SignalWeightOverrides(popularity: 1))
        #expect(filled.maxCategoryShare == 0.4, "a request cannot name the cap, so the saved one applies")

        let ownStrategy = settings.filling(RecommendationRequest(shopper: "u1", placement: .homeForYou, strategy: .margin))
        #expect(ownStrategy.weights == SignalWeightOverrides(margin: 0.8), "the weights saved for the request's strategy")
        let conversion = settings.filling(RecommendationRequest(shopper: "u1", placement: .homeForYou, strategy: .conversion))
        #expect(conversion.weights == nil, "no weights saved for conversion: the built-in ones")
    }

    @Test("an experiment's strategy decides which saved weights apply")
    func variantStrategyPicksTheWeights() {
        let settings = StrategySettings(strategy: .stock, weights: ["margin": SignalWeightOverrides(margin: 0.8)])
        let filled = settings.filling(RecommendationRequest(shopper: "u1", placement: .cartAddons), scoredStrategy: .margin)
        #expect(filled.weights == SignalWeightOverrides(margin: 0.8))
        #expect(filled.strategy == .stock, "the variant replaces the strategy afterwards, as it does without saved settings")
    }

    @Test("no settings saved: the request is untouched")
    func builtInChangesNothing() {
        let request = RecommendationRequest(shopper: "u1", placement: .productSimilar)
        #expect(StrategySettings().filling(request) == request)
    }

    @Test("effective weights are the built-in ones with the saved overrides")
    func effectiveWeights() {
        let settings = StrategySettings(weights: ["conversion": SignalWeightOverrides(popularity: 1)])
        var expected = ScoringWeights.defaults(for: .homeForYou, strategy: .conversion)
        expected.popularity = 1
        #expect(settings.effectiveWeights(placement: .homeForYou, strategy: .conversion) == expected)
        #expect(settings.effectiveWeights(placement: .homeForYou, strategy: .margin) == ScoringWeights.defaults(for: .homeForYou, strategy: .margin))
    }

    @Test("a new version names the fields it changed and keeps the last 20 changes")
    func history() {
        let first = StrategyRecord.next(after: nil, heldChange: nil, settings: StrategySettings(k: 3, note: "fewer"))
        #expect(first.changed == ["k"] && first.history.isEmpty)
        // k 5 is the built-in value: saving it is no change of k.
        let second = StrategyRecord.next(
            after: first, heldChange: StrategyChange(version: 1, updatedMs: 1, updatedBy: "key_a", note: "fewer", changed: first.changed),
            settings: StrategySettings(strategy: .margin, k: 3, weights: ["margin": SignalWeightOverrides(margin: 0.5), "stock": SignalWeightOverrides()])
        )
        #expect(second.changed == ["strategy", "weights.margin"])
        #expect(second.history.map(\.updatedBy) == ["key_a"])
        #expect(second.settings.weights?.keys.sorted() == ["margin"], "empty overrides are not stored")

        var record = second
        for version in 2...40 {
            let change = StrategyChange(version: Int64(version), updatedMs: Int64(version), updatedBy: "key_b", note: nil, changed: record.changed)
            record = StrategyRecord.next(after: record, heldChange: change, settings: StrategySettings(k: version % 2 == 0 ? 4 : 6))
        }
        #expect(record.history.count == StrategyRecord.maximumHistory - 1)
        #expect(record.history.first?.version == 40 && record.history.last?.version == 22, "newest first")
        #expect(record.changed == ["k"])
    }
}
