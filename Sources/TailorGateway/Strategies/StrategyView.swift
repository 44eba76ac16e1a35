import Foundation
import TailorModel
import TailorScoring
import TailorWire

extension StrategyRecord: ReplicatedDefinition {
    static var kind: DefinitionKind { .strategy }
    func prepared() -> Void? { () }
    var order: Int { 0 }
}

/// A placement's strategy settings as the API shows them: every value in effect (the
/// saved one, else the built-in), the saved weight overrides and the weights they give
/// per strategy, the register's fields (version, when, by which key) and the history.
struct StrategyView: Encodable, Sendable {
    /// One version in the history.
    struct Change: Encodable, Sendable {
        var version: Int64
        var updatedAt: Date
        var updatedBy: String
        var note: String?
        var changed: [String]

        init(_ change: StrategyChange) {
            version = change.version
            updatedAt = Date(timeIntervalSince1970: Double(change.updatedMs) / 1000)
            updatedBy = change.updatedBy
            note = change.note
            changed = change.changed
        }
    }

    var placement: Placement
    var strategy: Strategy
    var k: Int
    var mix: Bool
    var maxCategoryShare: Double
    var weights: [String: SignalWeightOverrides]
    var effectiveWeights: [String: Signals]
    var note: String?
    var history: [Change]
    var register: RegisterFields

    enum CodingKeys: String, CodingKey {
        case placement, strategy, k, mix, maxCategoryShare, weights, effectiveWeights, note, history
    }

    /// The view of `placement` under `entry` (nil: the built-in defaults, version 0).
    init(placement: Placement, entry: DefinitionBook<StrategyRecord>.Entry?) {
        let record = entry?.definition ?? StrategyRecord(settings: StrategySettings())
        let settings = record.settings
        self.placement = placement
        strategy = settings.resolvedStrategy
        k = settings.resolvedK
        mix = settings.resolvedMix
        maxCategoryShare = settings.resolvedMaxCategoryShare
        weights = Dictionary(uniqueKeysWithValues: Strategy.allCases.map { ($0.rawValue, settings.overrides(for: $0) ?? SignalWeightOverrides()) })
        effectiveWeights = Dictionary(
            uniqueKeysWithValues: Strategy.allCases.map { ($0.rawValue, settings.effectiveWeights(placement: placement, strategy: $0)) }
        )
        note = settings.note
        if let entry {
            register = RegisterFields(entry.record)
            let current = StrategyChange(
                version: entry.record.version, updatedMs: entry.record.updatedMs, updatedBy: entry.record.updatedBy,
                note: settings.note, changed: record.changed
            )
            history = ([current] + record.history).map(Change.init)
        } else {
            var builtIn = WireExperimentRecord()
            builtIn.id = placement.rawValue
            builtIn.updatedBy = WireExperimentRecord.presetWriter
            register = RegisterFields(builtIn)
            history = []
        }
    }

    func encode(to encoder: any Encoder) throws {
        // One flat object: the settings, then the register's fields.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(placement, forKey: .placement)
        try container.encode(strategy, forKey: .strategy)
        try container.encode(k, forKey: .k)
        try container.encode(mix, forKey: .mix)
        try container.encode(maxCategoryShare, forKey: .maxCategoryShare)
        try container.encode(weights, forKey: .weights)
        try container.encode(effectiveWeights, forKey: .effectiveWeights)
        try container.encodeIfPresent(note, forKey: .note)
        try container.encode(history, forKey: .history)
        try register.encode(to: encoder)
    }
}
