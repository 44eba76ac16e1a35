import Foundation
import TailorJourneys

extension WireFacts {
    package init(_ facts: ShopperFacts) {
        self.init()
        numbers = facts.numbers
        texts = facts.texts
        flags = facts.flags
        lists = facts.lists.mapValues { values in
            var list = WireTextList()
            list.values = values
            return list
        }
    }

    package var model: ShopperFacts {
        ShopperFacts(numbers: numbers, texts: texts, flags: flags, lists: lists.mapValues(\.values))
    }
}

extension WireExposure {
    package init(point: String, treatment: String, atMillis: Int64) {
        self.init()
        self.point = point
        self.treatment = treatment
        self.atMillis = atMillis
    }
}

extension WireExperimentRecord {
    /// The writer of registers a shop starts with (default segments, a seed's decision
    /// points): at version 0, any write through the API supersedes them.
    package static let presetWriter = "default"

    /// A version-0 register of `definition` (JSON, keys sorted), nil when it does not encode.
    package static func preset(id: String, definition: some Encodable) -> WireExperimentRecord? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let body = try? encoder.encode(definition) else { return nil }
        var record = WireExperimentRecord()
        record.id = id
        record.definition = body
        record.writer = presetWriter
        record.updatedBy = presetWriter
        return record
    }
}
