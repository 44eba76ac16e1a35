extension WireKeyRecord {
    /// Whether this version of the item wins over `other` (last writer wins: the
    /// higher version, ties broken by the writer's name, then revoked over live).
    package func supersedes(_ other: WireKeyRecord) -> Bool {
        if version != other.version { return version > other.version }
        if writer != other.writer { return writer > other.writer }
        return revoked && !other.revoked
    }
}

extension WireConfigState {
    /// The state holding `keys`.
    package init(keys: [WireKeyRecord]) {
        self.init()
        self.keys = keys
    }
}

/// Configuration registers by id, merged last-writer-wins: what a node stores and a
/// gateway holds (``WireMethods/syncConfig``).
package struct ConfigRegisters: Sendable {
    package private(set) var keys: [String: WireKeyRecord] = [:]

    package init(keys: [WireKeyRecord] = []) {
        for key in keys { _ = merge(key) }
    }

    /// Takes `record` if it supersedes what is held; true when it did.
    package mutating func merge(_ record: WireKeyRecord) -> Bool {
        if let held = keys[record.id], !record.supersedes(held) { return false }
        keys[record.id] = record
        return true
    }

    /// Merges every record of `state`; answers those that changed something.
    package mutating func merge(_ state: WireConfigState) -> [WireKeyRecord] {
        state.keys.filter { merge($0) }
    }

    package var state: WireConfigState { WireConfigState(keys: keys.values.sorted { $0.id < $1.id }) }
}
