extension WireKeyRecord {
    /// Whether this version of the item wins over `other` (last writer wins: the
    /// higher version, ties broken by the writer's name, then revoked over live).
    package func supersedes(_ other: WireKeyRecord) -> Bool {
        if version != other.version { return version > other.version }
        if writer != other.writer { return writer > other.writer }
        return revoked && !other.revoked
    }
}

extension WireExperimentRecord {
    /// Whether this version of the experiment wins over `other` (the same rule as keys':
    /// higher version, then writer's name, then deleted over live).
    package func supersedes(_ other: WireExperimentRecord) -> Bool {
        if version != other.version { return version > other.version }
        if writer != other.writer { return writer > other.writer }
        return deleted && !other.deleted
    }
}

extension WireConfigState {
    /// The state holding `keys` and `experiments`.
    package init(keys: [WireKeyRecord] = [], experiments: [WireExperimentRecord] = []) {
        self.init()
        self.keys = keys
        self.experiments = experiments
    }

    package var isEmpty: Bool { keys.isEmpty && experiments.isEmpty }
}

/// Configuration registers by id, merged last-writer-wins: what a node stores and a
/// gateway holds (``WireMethods/syncConfig``).
package struct ConfigRegisters: Sendable {
    package private(set) var keys: [String: WireKeyRecord] = [:]
    package private(set) var experiments: [String: WireExperimentRecord] = [:]

    package init(keys: [WireKeyRecord] = [], experiments: [WireExperimentRecord] = []) {
        for key in keys { _ = merge(key) }
        for experiment in experiments { _ = merge(experiment) }
    }

    /// Takes `record` if it supersedes what is held; true when it did.
    package mutating func merge(_ record: WireKeyRecord) -> Bool {
        if let held = keys[record.id], !record.supersedes(held) { return false }
        keys[record.id] = record
        return true
    }

    package mutating func merge(_ record: WireExperimentRecord) -> Bool {
        if let held = experiments[record.id], !record.supersedes(held) { return false }
        experiments[record.id] = record
        return true
    }

    /// Merges every record of `state`; answers those that changed something.
    package mutating func merge(_ state: WireConfigState) -> WireConfigState {
        WireConfigState(keys: state.keys.filter { merge($0) }, experiments: state.experiments.filter { merge($0) })
    }

    package var state: WireConfigState {
        WireConfigState(keys: keys.values.sorted { $0.id < $1.id }, experiments: experiments.values.sorted { $0.id < $1.id })
    }
}
