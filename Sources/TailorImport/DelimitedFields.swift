import CSV
import Foundation
import TailorModel

/// The fields of one CSV or TSV record, read by CSV.swift (quoting, escaped quotes,
/// line ends inside quotes); ``RecordSplitter`` finds where records end.
package enum DelimitedFields {
    package static func split(_ record: [UInt8], delimiter: UInt8) throws(MappingError) -> [String] {
        let text = String(decoding: record, as: UTF8.self)
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: false, delimiter: UnicodeScalar(delimiter))
            guard let fields = reader.next() else { return [] }
            if reader.error != nil { throw MappingError(field: "", problem: "not a readable CSV record") }
            return fields
        } catch let error as MappingError {
            throw error
        } catch {
            throw MappingError(field: "", problem: "not a readable CSV record")
        }
    }
}

/// A record as named values: a CSV/TSV row zipped with its header, the members of a
/// flat JSON object, the child elements of a feed's `<item>`. Names are lowercased
/// and without a Merchant Center `g:` prefix.
package struct NamedFields: Sendable, Hashable {
    package var values: [String: String]

    package init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// A row under its header; a row longer than its header is refused, a shorter one
    /// leaves the missing columns empty.
    package init(header: [String], row: [String]) throws(MappingError) {
        guard row.count <= header.count else {
            throw MappingError(field: "", problem: "has \(row.count) columns; the header has \(header.count)")
        }
        var values: [String: String] = [:]
        values.reserveCapacity(row.count)
        for (name, value) in zip(header, row) where !value.isEmpty {
            values[name] = value
        }
        self.values = values
    }

    /// The members of a flat JSON object (numbers and booleans written as text; nested
    /// values are not fields).
    package init(json: JSONValue) throws(MappingError) {
        guard let members = json.objectValue else { throw MappingError(field: "", problem: "a line is a JSON object") }
        var values: [String: String] = [:]
        for (name, value) in members {
            let text: String? = switch value {
            case .bool(let flag): flag ? "true" : "false"
            case .array(let elements): elements.compactMap(\.text).joined(separator: ",")
            default: value.text
            }
            if let text, !text.isEmpty { values[Self.name(name)] = text }
        }
        self.values = values
    }

    package subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// A header's or member's name as the mappings look it up: trimmed, lowercased,
    /// without `g:`.
    package static func name(_ raw: String) -> String {
        var name = raw.trimmingSpaces.lowercased()
        if name.hasPrefix("\u{FEFF}") { name.removeFirst() }
        if name.hasPrefix("g:") { name.removeFirst(2) }
        return name
    }
}
