import Foundation
import TailorWire

/// The registers of one kind of definition a gateway holds, and the live ones decoded
/// and prepared: a value type, so that a book keeps it (and anything it derives from
/// it, like a bandit's allocations) under one lock.
struct DefinitionRegisters<Definition: ReplicatedDefinition>: Sendable {
    struct Entry: Sendable {
        var record: WireExperimentRecord
        var definition: Definition
        var prepared: Definition.Prepared

        var id: String { record.id }
    }

    private(set) var records: [String: WireExperimentRecord] = [:]
    private(set) var live: [String: Entry] = [:]
    /// The live entries by ``ReplicatedDefinition/order``, then id; rebuilt on each change.
    private(set) var ordered: [Entry] = []

    /// `defaults` are held as if merged: version-0 registers any real write supersedes.
    init(defaults: [WireExperimentRecord] = []) {
        merge(defaults)
    }

    /// A new version of `id` written here (by gateway `writer`, for key `keyID`), merged at once.
    mutating func put(id: String, definition: Definition, writer: String, by keyID: String, nowMillis: Int64) throws -> WireExperimentRecord {
        var record = WireExperimentRecord()
        record.id = id
        record.definition = try JSONCoding.encoder.encode(definition)
        record.version = Self.nextVersion(after: records[id], nowMillis: nowMillis)
        record.writer = writer
        record.updatedMs = nowMillis
        record.updatedBy = keyID
        merge([record])
        return record
    }

    /// A tombstone for `id`, merged at once; nil when nothing live has that id.
    mutating func delete(id: String, writer: String, by keyID: String, nowMillis: Int64) -> WireExperimentRecord? {
        guard let held = records[id], !held.deleted else { return nil }
        var record = WireExperimentRecord()
        record.id = id
        record.version = Self.nextVersion(after: held, nowMillis: nowMillis)
        record.writer = writer
        record.deleted = true
        record.updatedMs = nowMillis
        record.updatedBy = keyID
        merge([record])
        return record
    }

    /// Takes the records that supersede what is held; answers the ids that changed.
    @discardableResult
    mutating func merge(_ incoming: [WireExperimentRecord]) -> [String] {
        var changed: [String] = []
        for record in incoming where records.mergeRegister(record) {
            changed.append(record.id)
            if !record.deleted, let definition = try? JSONCoding.decoder.decode(Definition.self, from: record.definition),
                let prepared = definition.prepared()
            {
                live[record.id] = Entry(record: record, definition: definition, prepared: prepared)
            } else {
                live[record.id] = nil
            }
        }
        if !changed.isEmpty {
            ordered = live.values.sorted { ($0.definition.order, $0.id) < ($1.definition.order, $1.id) }
        }
        return changed
    }

    /// Every register, tombstones included, by id: what a sync sends.
    var state: [WireExperimentRecord] { records.values.sorted { $0.id < $1.id } }

    /// After the held version, and no earlier than now: a later write wins.
    private static func nextVersion(after held: WireExperimentRecord?, nowMillis: Int64) -> Int64 {
        max(nowMillis, (held?.version ?? 0) + 1)
    }
}
