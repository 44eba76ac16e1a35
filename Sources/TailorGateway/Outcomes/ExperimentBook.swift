import Foundation
import Synchronization
import TailorCRDT
import TailorModel
import TailorOutcomes
import TailorWire

/// The experiments a gateway knows (replicated last-writer-wins registers, like keys)
/// and what each bandit currently allocates: the gateway's side of the outcome loop.
///
/// Choosing a variant costs a lock, a hash and a table lookup: the allocations are
/// computed when the outcome counts arrive (``update(outcomes:)``, every few seconds
/// from the nodes' durable counts, ``BanditSync``), not per request. Every gateway
/// computes them from the same counts with the same seeds, so they agree.
package final class ExperimentBook: Sendable {
    /// A running experiment's choice for one request.
    package struct Assignment: Sendable {
        package var experiment: String
        package var variant: ExperimentDefinition.Variant
        package var context: String
        /// The probability the allocation gave this variant in this context.
        package var propensity: Double
    }

    typealias Entry = DefinitionRegisters<ExperimentDefinition>.Entry

    private struct State {
        /// The registers and the live experiments, decoded (the same registers as
        /// segments' and decision points', ``DefinitionRegisters``).
        var registers = DefinitionRegisters<ExperimentDefinition>()
        /// Per experiment, per context value: the share of traffic of each variant.
        var allocations: [String: [String: [Double]]] = [:]
        /// Per experiment, per context value, per variant: the per-impression sums the bandit read.
        var arms: [String: [String: [String: CellCounts]]] = [:]
        /// When the counts were last read from the nodes (ms), 0 before.
        var countsReadAtMillis: Int64 = 0
        /// Per bandit experiment: its allocations since this gateway started.
        var history: [String: AllocationHistory] = [:]

        var live: [String: Entry] { registers.live }
    }

    private let state = Mutex(State())
    let writer: String

    package init(writer: String) {
        self.writer = writer
    }

    // MARK: Registers

    /// A new version of experiment `id` (written by key `by`), applied here at once.
    package func put(id: String, definition: ExperimentDefinition, by keyID: String) throws -> WireExperimentRecord {
        try state.withLock { state in
            let record = try state.registers.put(id: id, definition: definition, writer: writer, by: keyID, nowMillis: Self.nowMillis)
            Self.recomputeAllocations(of: [id], in: &state)
            return record
        }
    }

    /// A tombstone for experiment `id`, or nil when no live experiment has that id.
    func delete(id: String, by keyID: String) -> WireExperimentRecord? {
        state.withLock { state in
            guard let record = state.registers.delete(id: id, writer: writer, by: keyID, nowMillis: Self.nowMillis) else { return nil }
            Self.recomputeAllocations(of: [id], in: &state)
            return record
        }
    }

    /// Merges registers from a node; answers how many changed something here.
    @discardableResult
    func merge(_ records: [WireExperimentRecord]) -> Int {
        state.withLock { state in
            let changed = state.registers.merge(records)
            Self.recomputeAllocations(of: changed, in: &state)
            return changed.count
        }
    }

    private static func recomputeAllocations(of ids: [String], in state: inout State) {
        for id in ids {
            state.allocations[id] = nil
            recomputeAllocations(of: id, in: &state)
        }
    }

    var records: [WireExperimentRecord] { state.withLock { $0.registers.state } }
    func entry(id: String) -> Entry? { state.withLock { $0.live[id] } }
    /// The live experiments by id.
    var entries: [Entry] { state.withLock { $0.registers.ordered } }

    /// What two experiments both claim: the body's field (`placements` or `points`) and
    /// the placement or decision point they share.
    struct Overlap: Sendable, Equatable {
        var id: String
        var field: String
        var shared: String
        /// `placement` or `decision point`, for the refusal's sentence.
        var kind: String
    }

    /// The live experiment other than `id` that shares a placement or a decision point
    /// with `definition`, if any: one experiment per placement and per point.
    func overlapping(_ definition: ExperimentDefinition, except id: String) -> Overlap? {
        state.withLock { state in
            for (other, entry) in state.live.sorted(by: { $0.key < $1.key }) where other != id {
                if let shared = entry.definition.placements.first(where: definition.placements.contains) {
                    return Overlap(id: other, field: "placements", shared: shared.rawValue, kind: "placement")
                }
                if let shared = (entry.definition.points ?? []).first(where: (definition.points ?? []).contains) {
                    return Overlap(id: other, field: "points", shared: shared, kind: "decision point")
                }
            }
            return nil
        }
    }

    // MARK: Assignment

    /// The variant `shopper` gets on `placement` now, or nil when no experiment runs there.
    /// Sticky and deterministic: the shopper's point in [0, 1) (a hash of the shopper
    /// and the salt) falls in one variant's slice of the current allocation.
    package func assign(
        placement: Placement, shopper: String, context: RecommendationContext?, segment: String? = nil, now: Date = Date()
    ) -> Assignment? {
        assign(shopper: shopper, context: context, segment: segment, now: now) { $0.placements.contains(placement) }
    }

    /// Whether the experiment running on `placement` keeps its posteriors per segment:
    /// the recommendation must then read the shopper's segments before choosing.
    package func needsSegment(placement: Placement, now: Date = Date()) -> Bool {
        state.withLock { state in
            state.live.values.contains { $0.definition.placements.contains(placement) && $0.definition.isRunning(at: now) && $0.definition.context == .segment }
        }
    }

    /// The treatment `shopper` gets on decision point `point` now (the variant's name is
    /// the treatment's id), or nil when no experiment runs there; chosen as on a
    /// placement. `segment` is the shopper's first segment by priority (nil when in
    /// none), for an experiment whose context is `segment`.
    package func assign(point: String, shopper: String, context: RecommendationContext?, segment: String?, now: Date = Date()) -> Assignment? {
        assign(shopper: shopper, context: context, segment: segment, now: now) { $0.points?.contains(point) ?? false }
    }

    private func assign(
        shopper: String, context: RecommendationContext?, segment: String?, now: Date, runsHere: (ExperimentDefinition) -> Bool
    ) -> Assignment? {
        state.withLock { state in
            // The experiment running here (the first by id, should two overlap after a merge).
            var found: Entry?
            for entry in state.live.values where runsHere(entry.definition) && entry.definition.isRunning(at: now) {
                if let held = found, held.record.id < entry.record.id { continue }
                found = entry
            }
            guard let entry = found else { return nil }
            let definition = entry.definition
            let contextValue = Self.contextValue(definition.context, context, segment: segment)
            let shares = state.allocations[entry.record.id]?[contextValue] ?? Self.initialShares(definition)
            let unit = TailorOutcomes.Assignment.unit(shopper: shopper, salt: definition.salt ?? entry.record.id)
            let index = TailorOutcomes.Assignment.choose(unit: unit, probabilities: shares)
            return Assignment(experiment: entry.record.id, variant: definition.variants[index], context: contextValue, propensity: shares[index])
        }
    }

    /// The value of the experiment's context fact for a request (empty without a context fact).
    static func contextValue(_ fact: ExperimentDefinition.ContextFact?, _ context: RecommendationContext?, segment: String? = nil) -> String {
        switch fact {
        case nil: ""
        case .device: Self.contextText(context?.device) ?? "unknown"
        case .source: Self.contextText(context?.source) ?? "unknown"
        case .segment: Self.contextText(segment) ?? "none"
        }
    }

    /// A context value as posteriors are kept by it: bounded and in one case.
    private static func contextText(_ value: String?) -> String? {
        value.flatMap { $0.isEmpty ? nil : String($0.prefix(32)).lowercased() }
    }

    /// Fixed: the configured shares; bandit: equal shares (its warm-up).
    static func initialShares(_ definition: ExperimentDefinition) -> [Double] {
        switch definition.allocation {
        case .fixed: definition.variants.map { $0.share ?? 0 }
        case .bandit: Array(repeating: 1 / Double(definition.variants.count), count: definition.variants.count)
        }
    }

    // MARK: Bandits

    /// Takes the experiments' cells as the nodes count them (all days), and computes
    /// every bandit's allocation per context from them.
    package func update(outcomes cells: OutcomeCells, nowMillis: Int64 = ExperimentBook.nowMillis) {
        var arms: [String: [String: [String: CellCounts]]] = [:]
        for (key, counts) in cells where !key.experiment.isEmpty {
            arms[key.experiment, default: [:]][key.context, default: [:]][key.variant, default: CellCounts()].add(counts)
        }
        state.withLock { state in
            state.arms = arms
            state.countsReadAtMillis = nowMillis
            for id in state.live.keys { Self.recomputeAllocations(of: id, in: &state) }
            state.history = state.history.filter { state.live[$0.key]?.definition.allocation == .bandit }
            for (id, entry) in state.live where entry.definition.allocation == .bandit {
                let names = entry.definition.variants.map(\.name)
                // Before any count, every context gets the equal split assignment uses.
                let current = state.allocations[id].flatMap { $0.isEmpty ? nil : $0 } ?? ["": Self.initialShares(entry.definition)]
                let shares = current.mapValues { Dictionary(uniqueKeysWithValues: zip(names, $0)) }
                state.history[id, default: AllocationHistory()].record(shares, nowMillis: nowMillis)
            }
        }
    }

    /// A bandit's allocations since this gateway started (``AllocationHistory``), oldest first.
    func allocationHistory(of id: String) -> [AllocationHistory.Sample] {
        state.withLock { $0.history[id]?.samples ?? [] }
    }

    private static func recomputeAllocations(of id: String, in state: inout State) {
        guard let entry = state.live[id] else {
            state.allocations[id] = nil
            return
        }
        let definition = entry.definition
        guard definition.allocation == .bandit else {
            state.allocations[id] = ["": initialShares(definition)]
            return
        }
        var allocations: [String: [Double]] = [:]
        for (context, byVariant) in state.arms[id] ?? [:] {
            let arms = armStatistics(definition, byVariant)
            allocations[context] = ThompsonAllocation.probabilities(
                objective: definition.objective, arms: arms, floor: definition.resolvedExplorationFloor,
                warmUp: definition.resolvedWarmUp, seed: seed(id, context)
            )
        }
        state.allocations[id] = allocations
    }

    static func armStatistics(_ definition: ExperimentDefinition, _ byVariant: [String: CellCounts]) -> [ArmStatistics] {
        definition.variants.map { ArmStatistics(byVariant[$0.name] ?? CellCounts(), objective: definition.objective) }
    }

    /// The Monte Carlo seed of an experiment's context: the same on every gateway.
    static func seed(_ id: String, _ context: String) -> UInt64 {
        StableHash.fnv1a(id + "\u{0}" + context)
    }

    /// What a bandit allocates now, per context, and the per-impression sums it read.
    func allocation(of id: String) -> (shares: [String: [Double]], arms: [String: [String: CellCounts]], readAtMillis: Int64) {
        state.withLock { ($0.allocations[id] ?? [:], $0.arms[id] ?? [:], $0.countsReadAtMillis) }
    }


    static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
