import Foundation
import TailorModel

/// Which column of a file holds which of Tailor's fields: for each field, the column
/// names accepted for it, in order of preference. `--map column=field` makes one
/// column the only source of a field.
package struct ColumnMapping: Sendable, Hashable {
    package private(set) var columns: [String: [String]]

    package init(_ columns: [String: [String]]) {
        self.columns = columns
    }

    /// These defaults with `overrides` (`column=field` each) applied; a field the
    /// mapping does not know is refused, naming the known ones.
    package func overridden(by overrides: [String]) throws(MappingError) -> ColumnMapping {
        var mapping = self
        for override in overrides {
            let parts = override.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw MappingError(field: "--map", problem: "“\(override)” is not column=field")
            }
            let field = parts[1].lowercased()
            guard mapping.columns[field] != nil else {
                throw MappingError(field: "--map", problem: "no field “\(parts[1])”; the fields are \(columns.keys.sorted().joined(separator: ", "))")
            }
            mapping.columns[field] = [NamedFields.name(parts[0])]
        }
        return mapping
    }

    /// The value of `field` in `record` and the column it came from; nil when no
    /// column for it has a value.
    package func value(_ field: String, in record: NamedFields) -> (column: String, text: String)? {
        for column in columns[field] ?? [] {
            if let text = record[column]?.trimmingSpaces, !text.isEmpty { return (column, text) }
        }
        return nil
    }

    package func text(_ field: String, in record: NamedFields) -> String? {
        value(field, in: record)?.text
    }

    /// The value of `field`, or a refusal naming the field's first column.
    package func required(_ field: String, in record: NamedFields) throws(MappingError) -> (column: String, text: String) {
        guard let value = value(field, in: record) else {
            throw MappingError(field: columns[field]?.first ?? field, problem: "missing")
        }
        return value
    }

    package func number(_ field: String, in record: NamedFields) throws(MappingError) -> Double? {
        guard let (column, text) = value(field, in: record) else { return nil }
        guard let number = Numbers.decimal(text) else { throw MappingError(field: column, problem: "not a number") }
        return number
    }

    package func integer(_ field: String, in record: NamedFields) throws(MappingError) -> Int64? {
        guard let (column, text) = value(field, in: record) else { return nil }
        guard let number = Numbers.decimal(text), number == number.rounded(), abs(number) < 9e15 else {
            throw MappingError(field: column, problem: "not a whole number")
        }
        return Int64(number)
    }
}

/// Numbers as shop files write them.
package enum Numbers {
    /// A plain decimal number, `12.99` or `12,99` (a lone comma as the decimal separator).
    package static func decimal(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces
        if let value = Double(trimmed), value.isFinite { return value }
        return price(trimmed)?.amount
    }

    /// A price as Merchant Center writes it: `12.99 USD`, `12,99 EUR`, `USD 12.99`,
    /// `$1,299.00`, `1.299,00 €`. With both separators the last one is the decimal
    /// point; a lone comma followed by exactly three digits groups thousands
    /// (`1,299`), otherwise it is the decimal point (`12,99`).
    package static func price(_ text: String) -> (amount: Double, currency: String?)? {
        var digits = ""
        var letters = ""
        for character in text {
            if character.isNumber || character == "." || character == "," || character == "-" {
                digits.append(character)
            } else if character.isLetter {
                letters.append(character)
            } else if character == " " || character == "\u{a0}" || character == "\t" || character.isCurrencySymbol {
                continue
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        let lastDot = digits.lastIndex(of: ".")
        let lastComma = digits.lastIndex(of: ",")
        switch (lastDot, lastComma) {
        case let (dot?, comma?):
            if dot > comma { digits.removeAll { $0 == "," } } else {
                digits.removeAll { $0 == "." }
                digits = digits.replacingOccurrences(of: ",", with: ".")
            }
        case (nil, let comma?):
            let after = digits[digits.index(after: comma)...]
            if digits.filter({ $0 == "," }).count > 1 || after.count == 3 {
                digits.removeAll { $0 == "," }
            } else {
                digits = digits.replacingOccurrences(of: ",", with: ".")
            }
        default:
            break
        }
        guard let amount = Double(digits), amount.isFinite else { return nil }
        guard letters.isEmpty || letters.count == 3 else { return nil }
        return (amount, letters.isEmpty ? nil : letters.uppercased())
    }
}

extension Character {
    fileprivate var isCurrencySymbol: Bool {
        unicodeScalars.allSatisfy { $0.properties.generalCategory == .currencySymbol }
    }
}
