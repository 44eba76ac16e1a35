import Foundation
import Testing
import TailorWire

@Suite struct ConfigRegistersTests {
    static func record(_ id: String, version: Int64, writer: String = "g1", deleted: Bool = false, body: String = "{}") -> WireExperimentRecord {
        var record = WireExperimentRecord()
        record.id = id
        record.version = version
        record.writer = writer
        record.deleted = deleted
        record.definition = Data(body.utf8)
        return record
    }

    @Test("each kind merges last-writer-wins on its own: a segment never replaces an experiment of the same id")
    func kindsApart() {
        var registers = ConfigRegisters()
        var state = WireConfigState(experiments: [Self.record("a", version: 5)])
        state.segments = [Self.record("a", version: 1, body: #"{"rule":"orders > 1"}"#)]
        state.decisionPoints = [Self.record("hero", version: 2)]
        let changed = registers.merge(state)
        #expect(changed.experiments.count == 1 && changed.segments.count == 1 && changed.decisionPoints.count == 1)
        #expect(registers[.segment]["a"]?.version == 1)
        #expect(registers[.experiment]["a"]?.version == 5)
        #expect(registers.state.decisionPoints.map(\.id) == ["hero"])
    }

    @Test("older versions change nothing; equal versions break by writer; a tombstone beats its live twin")
    func lastWriterWins() {
        var registers = ConfigRegisters()
        let taken = [
            registers.merge(Self.record("s", version: 10), kind: .segment),
            registers.merge(Self.record("s", version: 9), kind: .segment),
            registers.merge(Self.record("s", version: 10, writer: "g2"), kind: .segment),
            registers.merge(Self.record("s", version: 10, writer: "g1"), kind: .segment),
            registers.merge(Self.record("s", version: 10, writer: "g2", deleted: true), kind: .segment),
        ]
        #expect(taken == [true, false, true, false, true])
        #expect(registers[.segment]["s"]?.deleted == true)
    }

    @Test("a default (version 0, writer default) is superseded by any write, and its deletion's tombstone stays")
    func defaultsSuperseded() {
        var registers = ConfigRegisters()
        _ = registers.merge(WireConfigState(.segment, [Self.record("loyal", version: 0, writer: "default")]))
        let changed = registers.merge(WireConfigState(.segment, [Self.record("loyal", version: 1_700_000_000_000, writer: "g1", deleted: true)]))
        #expect(changed.segments.count == 1)
        // A gateway that still holds the default sends it again: it changes nothing.
        let again = registers.merge(WireConfigState(.segment, [Self.record("loyal", version: 0, writer: "default")]))
        #expect(again.isEmpty)
        #expect(registers[.segment]["loyal"]?.deleted == true)
    }
}
