import Foundation
import TailorModel
import TailorScoring
import TailorWire
import Testing
@testable import TailorGateway

@Suite struct StrategyViewTests {
    static func json(_ view: StrategyView) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: JSONCoding.encoder.encode(view)) as? [String: Any] ?? [:]
    }

    /// Saves `settings` for `placement` as the routes do: the held version's change first in the history.
    static func save(_ settings: StrategySettings, _ placement: Placement, in book: DefinitionBook<StrategyRecord>, by key: String) throws {
        let held = book.entry(id: placement.rawValue)
        let change = held.map {
            StrategyChange(
                version: $0.record.version, updatedMs: $0.record.updatedMs, updatedBy: $0.record.updatedBy,
                note: $0.definition.settings.note, changed: $0.definition.changed
            )
        }
        _ = try book.put(id: placement.rawValue, definition: StrategyRecord.next(after: held?.definition, heldChange: change, settings: settings), by: key)
    }

    @Test("a placement nobody saved shows the built-in values as version 0 by 'default'")
    func builtIn() throws {
        let view = try Self.json(StrategyView(placement: .searchRerank, entry: nil))
        #expect(view["id"] as? String == "search_rerank" && view["placement"] as? String == "search_rerank")
        #expect(view["version"] as? Int == 0 && view["updatedBy"] as? String == "default")
        #expect(view["strategy"] as? String == "conversion" && view["k"] as? Int == 5 && view["mix"] as? Bool == false)
        #expect(view["maxCategoryShare"] as? Double == 0.6 && view["note"] == nil)
        #expect((view["history"] as? [Any])?.isEmpty == true)
        let weights = view["weights"] as? [String: [String: Any]] ?? [:]
        #expect(weights.keys.sorted() == ["conversion", "margin", "stock"] && weights.values.allSatisfy(\.isEmpty))
        let effective = view["effectiveWeights"] as? [String: [String: NSNumber]] ?? [:]
        #expect(effective["conversion"]?["content"]?.floatValue == 0.55)
        #expect(effective["stock"]?["stockPressure"]?.floatValue == 0.3)
    }

    @Test("saved settings show in effect, with the history newest first, carried by the register to another gateway")
    func savedAndReplicated() throws {
        let a = DefinitionBook<StrategyRecord>(writer: "gateway-a")
        try Self.save(StrategySettings(k: 3, note: "fewer"), .cartAddons, in: a, by: "key_one")
        try Self.save(
            StrategySettings(strategy: .stock, k: 3, maxCategoryShare: 0.4, weights: ["stock": SignalWeightOverrides(popularity: 0)]),
            .cartAddons, in: a, by: "key_two"
        )
        let b = DefinitionBook<StrategyRecord>(writer: "gateway-b")
        #expect(b.merge(a.records) == 1)
        let view = try Self.json(StrategyView(placement: .cartAddons, entry: b.entry(id: "cart_addons")))
        #expect(view["strategy"] as? String == "stock" && view["k"] as? Int == 3 && view["maxCategoryShare"] as? Double == 0.4)
        #expect(view["updatedBy"] as? String == "key_two")
        let history = view["history"] as? [[String: Any]] ?? []
        #expect(history.map { $0["updatedBy"] as? String } == ["key_two", "key_one"])
        #expect(history.first?["changed"] as? [String] == ["strategy", "maxCategoryShare", "weights.stock"])
        #expect(history.last?["changed"] as? [String] == ["k"] && history.last?["note"] as? String == "fewer")
        #expect(history.first?["version"] as? Int64 == view["version"] as? Int64)
        let effective = view["effectiveWeights"] as? [String: [String: NSNumber]] ?? [:]
        #expect(effective["stock"]?["popularity"]?.floatValue == 0 && effective["stock"]?["collaborative"]?.floatValue == 0.55)
    }
}
