import Foundation
import TailorJourneys
import TailorWire
import Testing
@testable import TailorGateway

@Suite struct DefinitionBookTests {
    static func defaults() -> DefinitionBook<SegmentDefinition> {
        DefinitionBook(writer: "g1", defaults: DefinitionBook.defaultRecords(DefaultSegments.definitions))
    }

    @Test("a fresh book holds the five default segments, parsed, as version 0 by 'default'")
    func freshDefaults() throws {
        let book = Self.defaults()
        #expect(Set(book.entries.map(\.id)) == ["ready_to_buy", "browsing", "loyal", "new", "at_risk"])
        let loyal = try #require(book.entry(id: "loyal"))
        #expect(loyal.record.version == 0 && loyal.record.updatedBy == "default")
        #expect(loyal.prepared.factNames == ["orders", "lifetime_value", "days_since_last_purchase"])
    }

    @Test("a write supersedes a default; a deletion's tombstone beats the default merged again")
    func writesSupersedeDefaults() throws {
        let book = Self.defaults()
        let put = try book.put(id: "loyal", definition: SegmentDefinition(rule: "orders > 5"), by: "key_1")
        #expect(put.version > 0 && put.writer == "g1")
        #expect(book.entry(id: "loyal")?.definition.rule == "orders > 5")
        let tombstone = try #require(book.delete(id: "new", by: "key_1"))
        #expect(tombstone.deleted)
        #expect(book.merge(DefinitionBook<SegmentDefinition>.defaultRecords(DefaultSegments.definitions)) == 0)
        #expect(book.entry(id: "new") == nil)
        #expect(book.delete(id: "new", by: "key_1") == nil)
        #expect(book.records.first { $0.id == "new" }?.deleted == true)
    }

    @Test("merged registers follow last-writer-wins; live entries come by priority, then id")
    func mergeAndOrder() throws {
        let other = DefinitionBook<SegmentDefinition>(writer: "g2")
        let first = try other.put(id: "vip", definition: SegmentDefinition(rule: "lifetime_value > 1000", priority: 1), by: "key_2")
        let book = Self.defaults()
        #expect(book.merge([first]) == 1)
        #expect(book.merge([first]) == 0)
        #expect(book.entries.first?.id == "vip")
        #expect(book.entries.dropFirst().map(\.id) == ["at_risk", "browsing", "loyal", "new", "ready_to_buy"])
        var older = first
        older.version -= 1
        older.definition = Data(#"{"rule":"orders > 0"}"#.utf8)
        #expect(book.merge([older]) == 0)
        #expect(book.entry(id: "vip")?.definition.rule == "lifetime_value > 1000")
    }

    @Test("a merged version this release cannot parse stays a register but is not live")
    func unreadableNotLive() {
        let book = DefinitionBook<SegmentDefinition>(writer: "g1")
        var record = WireExperimentRecord()
        (record.id, record.version, record.writer) = ("odd", 5, "g9")
        record.definition = Data(#"{"rule":"future_fact > 1"}"#.utf8)
        #expect(book.merge([record]) == 1)
        #expect(book.entry(id: "odd") == nil)
        #expect(book.records.map(\.id) == ["odd"])
    }
}
