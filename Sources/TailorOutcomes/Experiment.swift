import Foundation
import TailorModel

/// An experiment as `PUT /v1/experiments/{id}` receives it: which placements (or
/// decision points) it runs on, its variants, how traffic is split between them and
/// what it optimises. On decision points the variants name the point's treatments.
package struct ExperimentDefinition: Codable, Sendable, Hashable {
    package enum Allocation: String, Codable, Sendable, Hashable {
        /// Each variant gets its `share` of shoppers, for the experiment's whole life.
        case fixed
        /// Thompson sampling on `objective` moves traffic to what earns most
        /// (``ThompsonAllocation``), after a warm-up, never below the exploration floor.
        case bandit
    }

    /// A situation fact a contextual bandit keeps one posterior per value of: the
    /// request's device or source (read from the request itself, at no cost), or the
    /// shopper's segment (their facts read from their partition: one call more per
    /// recommendation while such an experiment runs on the placement).
    package enum ContextFact: String, Codable, Sendable, Hashable, CaseIterable {
        /// The request's `context.device` (`mobile`, `desktop`, …; `unknown` when missing).
        case device
        /// The request's `context.source` (`ads`, `email`, …; `unknown` when missing).
        case source
        /// The shopper's first segment by priority (`none` when in none). A decision has
        /// the segments already; a recommendation request reads them for it.
        case segment
    }

    /// What a control variant answers instead of the shop's recommendations.
    package enum Control: String, Codable, Sendable, Hashable {
        /// Non-personalised top sellers: no history, popularity only.
        case popularity
        /// No recommendations (an empty answer the storefront leaves out).
        case holdout
    }

    package struct Variant: Codable, Sendable, Hashable {
        /// Unique in the experiment; answers and reports name the variant by it.
        package var name: String
        /// Its part of the traffic under `fixed` allocation (the shares add up to 1).
        package var share: Double?
        package var strategy: Strategy?
        package var weights: SignalWeightOverrides?
        package var mix: Bool?
        package var k: Int?
        package var control: Control?

        package init(
            name: String, share: Double? = nil, strategy: Strategy? = nil, weights: SignalWeightOverrides? = nil,
            mix: Bool? = nil, k: Int? = nil, control: Control? = nil
        ) {
            self.name = name
            self.share = share
            self.strategy = strategy
            self.weights = weights
            self.mix = mix
            self.k = k
            self.control = control
        }
    }

    /// Where it runs; empty when it runs on decision points.
    package var placements: [Placement]
    /// The decision points it runs on (its variants are treatments of the point), or nil.
    package var points: [String]?
    package var objective: Objective
    package var allocation: Allocation
    package var variants: [Variant]
    /// Contextual bandits only: one posterior per value of this fact.
    package var context: ContextFact?
    /// Bandits: the smallest share any variant keeps, 0 to 1/variants (default 0.05).
    package var explorationFloor: Double?
    /// Bandits: impressions every variant gets (in a context) before the split adapts (default 100).
    package var warmUp: Int?
    /// When it starts and stops answering; always when missing.
    package var start: Date?
    package var stop: Date?
    /// Assignment hashes the shopper with this; the experiment's id when missing.
    /// A new salt reshuffles which shoppers get which variant.
    package var salt: String?

    package init(
        placements: [Placement], objective: Objective, allocation: Allocation, variants: [Variant],
        context: ContextFact? = nil, explorationFloor: Double? = nil, warmUp: Int? = nil,
        start: Date? = nil, stop: Date? = nil, salt: String? = nil, points: [String]? = nil
    ) {
        self.placements = placements
        self.points = points
        self.objective = objective
        self.allocation = allocation
        self.variants = variants
        self.context = context
        self.explorationFloor = explorationFloor
        self.warmUp = warmUp
        self.start = start
        self.stop = stop
        self.salt = salt
    }

    package static let maximumVariants = 8
    package static let maximumNameBytes = 64
    package static let defaultExplorationFloor = 0.05
    package static let defaultWarmUp = 100

    package var resolvedExplorationFloor: Double { explorationFloor ?? Self.defaultExplorationFloor }
    package var resolvedWarmUp: Int { warmUp ?? Self.defaultWarmUp }

    /// Whether it answers at `date`.
    package func isRunning(at date: Date) -> Bool {
        (start.map { date >= $0 } ?? true) && (stop.map { date < $0 } ?? true)
    }

    /// The index of the variant named `name`.
    package func variantIndex(named name: String) -> Int? { variants.firstIndex { $0.name == name } }

    /// Whether it runs on decision points rather than placements.
    package var runsOnPoints: Bool { !(points ?? []).isEmpty }

    /// Checks the definition against the API's rules; field paths are the body's.
    package func validate() throws(ValidationError) {
        if runsOnPoints {
            try validatePoints()
        } else {
            try Check.count(placements.count, "placements", max: Placement.allCases.count, allowEmpty: false)
            if Set(placements).count != placements.count {
                throw ValidationError(field: "placements", problem: "names a placement twice")
            }
        }
        if variants.count < 2 {
            throw ValidationError(field: "variants", problem: "an experiment compares at least 2 variants")
        }
        try Check.count(variants.count, "variants", max: Self.maximumVariants)
        var names = Set<String>()
        for (index, variant) in variants.enumerated() {
            let field = "variants[\(index)]"
            try Check.text(variant.name, "\(field).name", maxBytes: Self.maximumNameBytes)
            if !names.insert(variant.name).inserted {
                throw ValidationError(field: "\(field).name", problem: "'\(variant.name)' names another variant too")
            }
            if let k = variant.k, k < 1 || k > Limits.maximumK {
                throw ValidationError(field: "\(field).k", problem: "must be between 1 and \(Limits.maximumK)")
            }
            try variant.weights?.validate(field: "\(field).weights")
            if variant.control != nil && (variant.strategy != nil || variant.weights != nil || variant.mix != nil) {
                throw ValidationError(field: "\(field).control", problem: "a control variant takes no strategy, weights or mix")
            }
            if let share = variant.share, !(share.isFinite && share >= 0 && share <= 1) {
                throw ValidationError(field: "\(field).share", problem: "must be between 0 and 1")
            }
        }
        switch allocation {
        case .fixed:
            if let index = variants.firstIndex(where: { $0.share == nil }) {
                throw ValidationError(field: "variants[\(index)].share", problem: "fixed allocation needs every variant's share")
            }
            let total = variants.reduce(0) { $0 + ($1.share ?? 0) }
            if abs(total - 1) > 1e-6 {
                throw ValidationError(field: "variants", problem: "the shares add up to \(total), not 1")
            }
            if context != nil {
                throw ValidationError(field: "context", problem: "a context is for bandit allocation only")
            }
        case .bandit:
            if let index = variants.firstIndex(where: { $0.share != nil }) {
                throw ValidationError(field: "variants[\(index)].share", problem: "a bandit sets the shares itself; remove share")
            }
        }
        if let floor = explorationFloor, !(floor.isFinite && floor >= 0 && floor <= 1 / Double(variants.count)) {
            throw ValidationError(field: "explorationFloor", problem: "must be between 0 and 1/\(variants.count) (one over the number of variants)")
        }
        if let warmUp, warmUp < 0 || warmUp > 1_000_000 {
            throw ValidationError(field: "warmUp", problem: "must be between 0 and 1000000")
        }
        if let start, let stop, stop <= start {
            throw ValidationError(field: "stop", problem: "is not after start")
        }
        if let salt { try Check.text(salt, "salt", maxBytes: Self.maximumNameBytes) }
    }
}

extension ExperimentDefinition {
    /// As synthesised, except that `placements` may be missing (an experiment on points).
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            placements: try container.decodeIfPresent([Placement].self, forKey: .placements) ?? [],
            objective: try container.decode(Objective.self, forKey: .objective),
            allocation: try container.decode(Allocation.self, forKey: .allocation),
            variants: try container.decode([Variant].self, forKey: .variants),
            context: try container.decodeIfPresent(ContextFact.self, forKey: .context),
            explorationFloor: try container.decodeIfPresent(Double.self, forKey: .explorationFloor),
            warmUp: try container.decodeIfPresent(Int.self, forKey: .warmUp),
            start: try container.decodeIfPresent(Date.self, forKey: .start),
            stop: try container.decodeIfPresent(Date.self, forKey: .stop),
            salt: try container.decodeIfPresent(String.self, forKey: .salt),
            points: try container.decodeIfPresent([String].self, forKey: .points)
        )
    }
}
