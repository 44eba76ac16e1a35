import Foundation
import TailorJourneys
import TailorModel
import TailorOutcomes
import TailorWire

/// A definition the cluster replicates as its API JSON in last-writer-wins registers
/// (``WireExperimentRecord``): segments, decision points and experiments (whose book,
/// ``ExperimentBook``, keeps its bandits' state beside the registers).
protocol ReplicatedDefinition: Codable, Sendable {
    /// What requests read beside the definition (a segment's parsed rule), made once
    /// when a version arrives so that requests never parse.
    associatedtype Prepared: Sendable
    static var kind: DefinitionKind { get }
    /// nil keeps a version out of the live set (it stays in the registers): one this
    /// release cannot read.
    func prepared() -> Prepared?
    /// Where a live definition comes in ``DefinitionRegisters/ordered`` (lower first, ties by id).
    var order: Int { get }
}

extension SegmentDefinition: ReplicatedDefinition {
    static var kind: DefinitionKind { .segment }
    func prepared() -> SegmentRule? { try? validate() }
    var order: Int { resolvedPriority }
}

extension DecisionPointDefinition: ReplicatedDefinition {
    static var kind: DefinitionKind { .decisionPoint }
    func prepared() -> Void? { () }
    var order: Int { 0 }
}

extension ExperimentDefinition: ReplicatedDefinition {
    static var kind: DefinitionKind { .experiment }
    func prepared() -> Void? { () }
    var order: Int { 0 }
}
