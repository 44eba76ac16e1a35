/// A last-writer-wins register of the replicated configuration: one item by id, and
/// the rule deciding which of two versions of it wins.
package protocol ConfigRecord: Sendable {
    var id: String { get }
    /// Whether this version wins over `other` (higher version, then the writer's name,
    /// then the tombstone over the live item).
    func supersedes(_ other: Self) -> Bool
}

extension WireKeyRecord: ConfigRecord {
    package func supersedes(_ other: WireKeyRecord) -> Bool {
        if version != other.version { return version > other.version }
        if writer != other.writer { return writer > other.writer }
        return revoked && !other.revoked
    }
}

extension WireExperimentRecord: ConfigRecord {
    package func supersedes(_ other: WireExperimentRecord) -> Bool {
        if version != other.version { return version > other.version }
        if writer != other.writer { return writer > other.writer }
        return deleted && !other.deleted
    }
}

extension Dictionary where Key == String, Value: ConfigRecord {
    /// Takes `record` if it supersedes what is held under its id; true when it did.
    package mutating func mergeRegister(_ record: Value) -> Bool {
        if let held = self[record.id], !record.supersedes(held) { return false }
        self[record.id] = record
        return true
    }
}

/// The kinds of definition the cluster replicates as JSON in ``WireExperimentRecord``s.
/// The raw value is the kind the nodes store them under.
package enum DefinitionKind: String, Sendable, CaseIterable {
    case experiment
    case segment
    case decisionPoint = "decision_point"
    case strategy

    /// Where a ``WireConfigState`` carries this kind.
    package var field: WritableKeyPath<WireConfigState, [WireExperimentRecord]> {
        switch self {
        case .experiment: \.experiments
        case .segment: \.segments
        case .decisionPoint: \.decisionPoints
        case .strategy: \.strategies
        }
    }
}

extension WireConfigState {
    /// The state holding `keys` and `experiments`.
    package init(keys: [WireKeyRecord] = [], experiments: [WireExperimentRecord] = []) {
        self.init()
        self.keys = keys
        self.experiments = experiments
    }

    /// The state holding `records` of one kind.
    package init(_ kind: DefinitionKind, _ records: [WireExperimentRecord]) {
        self.init()
        self[keyPath: kind.field] = records
    }

    package var isEmpty: Bool { keys.isEmpty && DefinitionKind.allCases.allSatisfy { self[keyPath: $0.field].isEmpty } }
}

/// Configuration registers by id, merged last-writer-wins: what a node stores and a
/// gateway holds (``WireMethods/syncConfig``).
package struct ConfigRegisters: Sendable {
    package private(set) var keys: [String: WireKeyRecord] = [:]
    private var definitions: [DefinitionKind: [String: WireExperimentRecord]] = [:]

    package init() {}

    package init(_ state: WireConfigState) {
        _ = merge(state)
    }

    /// The held registers of one kind, by id.
    package subscript(kind: DefinitionKind) -> [String: WireExperimentRecord] { definitions[kind] ?? [:] }

    /// Takes `record` if it supersedes what is held; true when it did.
    package mutating func merge(_ record: WireKeyRecord) -> Bool {
        keys.mergeRegister(record)
    }

    package mutating func merge(_ record: WireExperimentRecord, kind: DefinitionKind) -> Bool {
        definitions[kind, default: [:]].mergeRegister(record)
    }

    /// Merges every record of `state`; answers those that changed something.
    package mutating func merge(_ state: WireConfigState) -> WireConfigState {
        var changed = WireConfigState(keys: state.keys.filter { merge($0) })
        for kind in DefinitionKind.allCases {
            changed[keyPath: kind.field] = state[keyPath: kind.field].filter { merge($0, kind: kind) }
        }
        return changed
    }

    package var state: WireConfigState {
        var state = WireConfigState(keys: keys.values.sorted { $0.id < $1.id })
        for kind in DefinitionKind.allCases {
            state[keyPath: kind.field] = self[kind].values.sorted { $0.id < $1.id }
        }
        return state
    }
}
