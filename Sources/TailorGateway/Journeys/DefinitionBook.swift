import Foundation
import Synchronization
import TailorWire

/// One kind of replicated definition (segments, decision points) as a gateway holds
/// it: the registers under a lock, written by the routes and merged by ``ConfigSync``.
/// Reading the live entries costs a lock and an array copy; nothing is parsed per call.
final class DefinitionBook<Definition: ReplicatedDefinition>: Sendable {
    typealias Entry = DefinitionRegisters<Definition>.Entry

    private let registers: Mutex<DefinitionRegisters<Definition>>
    let writer: String

    init(writer: String, defaults: [WireExperimentRecord] = []) {
        self.writer = writer
        registers = Mutex(DefinitionRegisters(defaults: defaults))
    }

    func put(id: String, definition: Definition, by keyID: String) throws -> WireExperimentRecord {
        try registers.withLock { try $0.put(id: id, definition: definition, writer: writer, by: keyID, nowMillis: Self.nowMillis) }
    }

    func delete(id: String, by keyID: String) -> WireExperimentRecord? {
        registers.withLock { $0.delete(id: id, writer: writer, by: keyID, nowMillis: Self.nowMillis) }
    }

    @discardableResult
    func merge(_ records: [WireExperimentRecord]) -> Int {
        registers.withLock { $0.merge(records).count }
    }

    var records: [WireExperimentRecord] { registers.withLock { $0.state } }
    func entry(id: String) -> Entry? { registers.withLock { $0.live[id] } }
    /// The live entries in order (``ReplicatedDefinition/order``, then id).
    var entries: [Entry] { registers.withLock { $0.ordered } }

    static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

extension DefinitionBook {
    /// The writer of the shipped defaults' version-0 registers: any write supersedes them.
    static var defaultsWriter: String { WireExperimentRecord.presetWriter }

    /// Version-0 registers of `definitions`, as every gateway holds them from the start.
    static func defaultRecords(_ definitions: [(id: String, definition: Definition)]) -> [WireExperimentRecord] {
        definitions.compactMap { WireExperimentRecord.preset(id: $0.id, definition: $0.definition) }
    }
}
