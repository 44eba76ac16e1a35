import Foundation
import HTTPTypes
import Logging
import Synchronization
import SwiftProtobuf
import TailorHTTP2
import TailorRPC
import TailorStore
import TailorWire

/// The node's copy of the cluster's configuration (API keys, experiments, segments,
/// decision points, strategy settings): last-writer-wins
/// registers, each stored in the node's SQLite file before a sync is answered, and
/// loaded from it at start. Every node holds all of it; gateways exchange their whole
/// state with a node every second (``WireMethods/syncConfig``).
final class NodeConfigurationStore: Sendable {
    private let registers: Mutex<ConfigRegisters>
    private let store: NodeStore
    static let keyKind = "key"

    init(store: NodeStore) throws {
        self.store = store
        var held = WireConfigState(keys: try store.configuration(kind: Self.keyKind).map { try WireKeyRecord(serializedBytes: $0) })
        for kind in DefinitionKind.allCases {
            held[keyPath: kind.field] = try store.configuration(kind: kind.rawValue).map { try WireExperimentRecord(serializedBytes: $0) }
        }
        registers = Mutex(ConfigRegisters(held))
    }

    /// Merges `state`, stores what changed, and answers the whole configuration held.
    func sync(_ state: WireConfigState) throws -> WireConfigState {
        // One writer at a time: the lock is held across the store's write so that two
        // syncs cannot store an older register over a newer one.
        try registers.withLock { registers in
            var candidate = registers
            let changed = candidate.merge(state)
            try store.storeConfiguration(kind: Self.keyKind, try changed.keys.map { (id: $0.id, body: try $0.serializedBytes()) })
            for kind in DefinitionKind.allCases {
                let records = changed[keyPath: kind.field]
                try store.storeConfiguration(kind: kind.rawValue, try records.map { (id: $0.id, body: try $0.serializedBytes()) })
            }
            registers = candidate
            return registers.state
        }
    }

    var count: Int { registers.withLock { $0.keys.count } }
}

extension NodeHandlers {
    func registerConfiguration(on router: inout HTTP2Router) {
        router.register(WireMethods.syncConfig) { state in
            do { return try configStore.sync(state) } catch {
                throw HTTP2ServerError(.serviceUnavailable, "the configuration could not be stored: \(error)")
            }
        }
    }
}
