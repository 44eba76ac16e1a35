import TailorModel

/// A placement's defaults as a merchandiser saves them (`PUT /v1/strategies/{placement}`):
/// the strategy, `k`, the mix, the diversity cap and per-strategy weight overrides
/// that a recommendation for the placement takes when its request leaves them unset.
/// A field left out is the built-in default (``builtIn``), so a release that tunes the
/// built-in weights still reaches every placement nobody tuned by hand.
package struct StrategySettings: Codable, Sendable, Hashable {
    /// The placement's default strategy.
    package var strategy: Strategy?
    package var k: Int?
    package var mix: Bool?
    /// Largest share of an answer one leaf category may take (``DiversityPolicy``).
    package var maxCategoryShare: Double?
    /// Weight overrides per strategy (`conversion`, `margin`, `stock`), each replacing
    /// only the signals it names, as a request's `weights` do.
    package var weights: [String: SignalWeightOverrides]?
    /// Why the merchandiser changed them, for the history.
    package var note: String?

    package init(
        strategy: Strategy? = nil, k: Int? = nil, mix: Bool? = nil, maxCategoryShare: Double? = nil,
        weights: [String: SignalWeightOverrides]? = nil, note: String? = nil
    ) {
        self.strategy = strategy
        self.k = k
        self.mix = mix
        self.maxCategoryShare = maxCategoryShare
        self.weights = weights
        self.note = note
    }

    /// The built-in values a placement has until a merchandiser saves its own.
    package enum BuiltIn {
        package static let strategy = Strategy.conversion
        package static let k = Limits.defaultK
        package static let mix = false
        package static let maxCategoryShare = DiversityPolicy.defaults.maxCategoryShare
    }

    /// The range a saved `maxCategoryShare` must fall in: below 0.1 a long answer would
    /// have to take every category's first product before any second one.
    package static let categoryShareRange: ClosedRange<Double> = 0.1...1.0
    /// Longest `note`, in UTF-8 bytes.
    package static let maximumNoteBytes = 512

    package func validate() throws(ValidationError) {
        if let k, k < 1 || k > Limits.maximumK {
            throw ValidationError(field: "k", problem: "must be between 1 and \(Limits.maximumK)")
        }
        if let maxCategoryShare, !(maxCategoryShare.isFinite && Self.categoryShareRange.contains(maxCategoryShare)) {
            throw ValidationError(
                field: "maxCategoryShare",
                problem: "must be a number from \(Self.categoryShareRange.lowerBound) to \(Self.categoryShareRange.upperBound)"
            )
        }
        for (name, overrides) in (weights ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard Strategy(rawValue: name) != nil else {
                throw ValidationError(
                    field: "weights.\(name)", problem: "is not a strategy; use \(Strategy.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            try overrides.validate(field: "weights.\(name)")
        }
        if let note, note.utf8.count > Self.maximumNoteBytes {
            throw ValidationError(field: "note", problem: "is longer than \(Self.maximumNoteBytes) bytes")
        }
    }

    /// The overrides saved for `strategy` (nil when none).
    package func overrides(for strategy: Strategy) -> SignalWeightOverrides? {
        weights?[strategy.rawValue].flatMap { $0 == SignalWeightOverrides() ? nil : $0 }
    }

    /// The same settings with empty overrides dropped, so that `{}` and no overrides
    /// store (and compare) alike.
    package var normalized: StrategySettings {
        var settings = self
        let kept = Dictionary(uniqueKeysWithValues: Strategy.allCases.compactMap { strategy in overrides(for: strategy).map { (strategy.rawValue, $0) } })
        settings.weights = kept.isEmpty ? nil : kept
        return settings
    }

    /// Whether these settings save nothing (every value is the built-in one).
    package var isBuiltIn: Bool {
        strategy == nil && k == nil && mix == nil && maxCategoryShare == nil && normalized.weights == nil
    }

    package var resolvedStrategy: Strategy { strategy ?? BuiltIn.strategy }
    package var resolvedK: Int { k ?? BuiltIn.k }
    package var resolvedMix: Bool { mix ?? BuiltIn.mix }
    package var resolvedMaxCategoryShare: Double { maxCategoryShare ?? BuiltIn.maxCategoryShare }

    /// The weights `placement` scores with under `strategy` when a request names none.
    package func effectiveWeights(placement: Placement, strategy: Strategy) -> Signals {
        ScoringWeights.resolve(placement: placement, strategy: strategy, overrides: overrides(for: strategy))
    }

    /// The fields whose values differ from `earlier`'s (`strategy`, `k`, `mix`,
    /// `maxCategoryShare`, `weights.conversion`, …), as the history names them.
    package func changedFields(from earlier: StrategySettings) -> [String] {
        var changed: [String] = []
        if resolvedStrategy != earlier.resolvedStrategy { changed.append("strategy") }
        if resolvedK != earlier.resolvedK { changed.append("k") }
        if resolvedMix != earlier.resolvedMix { changed.append("mix") }
        if resolvedMaxCategoryShare != earlier.resolvedMaxCategoryShare { changed.append("maxCategoryShare") }
        for strategy in Strategy.allCases where overrides(for: strategy) != earlier.overrides(for: strategy) {
            changed.append("weights.\(strategy.rawValue)")
        }
        return changed
    }

    /// `request` with what it leaves unset taken from these settings: the request's own
    /// fields always win. The weights are those saved for the strategy the request
    /// will be scored with: `scoredStrategy` when something later decides it (an
    /// experiment's variant), else the request's, else the saved default.
    package func filling(_ request: RecommendationRequest, scoredStrategy: Strategy? = nil) -> RecommendationRequest {
        var filled = request
        if filled.strategy == nil { filled.strategy = strategy }
        if filled.k == nil { filled.k = k }
        if filled.mix == nil { filled.mix = mix }
        if filled.maxCategoryShare == nil { filled.maxCategoryShare = maxCategoryShare }
        if filled.weights == nil { filled.weights = overrides(for: scoredStrategy ?? filled.resolvedStrategy) }
        return filled
    }
}
