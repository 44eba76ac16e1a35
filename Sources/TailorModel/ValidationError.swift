/// A request the public API refuses: which field, and what is wrong with it.
///
/// `field` is a path into the JSON body (`events[3].user`), so a client can point at
/// the exact value; `problem` is a sentence for a person.
package struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    package var field: String
    package var problem: String

    package init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    package var description: String { "\(field): \(problem)" }
}

/// Small checks shared by the request types.
package enum Check {
    package static func identifier(_ value: String, _ field: String) throws(ValidationError) {
        if value.isEmpty { throw ValidationError(field: field, problem: "must not be empty") }
        if value.utf8.count > Limits.maximumIDBytes {
            throw ValidationError(field: field, problem: "is longer than \(Limits.maximumIDBytes) bytes")
        }
    }

    package static func optionalIdentifier(_ value: String?, _ field: String) throws(ValidationError) {
        if let value { try identifier(value, field) }
    }

    package static func text(_ value: String, _ field: String, maxBytes: Int = Limits.maximumTextBytes, allowEmpty: Bool = false) throws(ValidationError) {
        if !allowEmpty && value.isEmpty { throw ValidationError(field: field, problem: "must not be empty") }
        if value.utf8.count > maxBytes {
            throw ValidationError(field: field, problem: "is longer than \(maxBytes) bytes")
        }
    }

    /// An absolute `http://` or `https://` address, with no spaces or control characters,
    /// at most ``Limits/maximumURLBytes``: what a storefront or an email can link to.
    package static func webAddress(_ value: String, _ field: String) throws(ValidationError) {
        try text(value, field, maxBytes: Limits.maximumURLBytes)
        let lower = value.prefix(8).lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), value.utf8.count > (lower.hasPrefix("https://") ? 8 : 7) else {
            throw ValidationError(field: field, problem: "must be an absolute http:// or https:// URL")
        }
        if value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            throw ValidationError(field: field, problem: "must not contain spaces or control characters (percent-encode them)")
        }
    }

    package static func count(_ count: Int, _ field: String, max: Int, allowEmpty: Bool = true) throws(ValidationError) {
        if !allowEmpty && count == 0 { throw ValidationError(field: field, problem: "must not be empty") }
        if count > max { throw ValidationError(field: field, problem: "has \(count) entries; at most \(max) are allowed") }
    }

    package static func number(_ value: Double, _ field: String, min: Double = 0, max: Double = 1e12) throws(ValidationError) {
        if !value.isFinite || value < min || value > max {
            throw ValidationError(field: field, problem: "must be a number between \(Self.format(min)) and \(Self.format(max))")
        }
    }

    package static func context(_ value: [String: String]?, _ field: String) throws(ValidationError) {
        guard let value else { return }
        try count(value.count, field, max: Limits.maximumContextEntries)
        for (key, entry) in value {
            try text(key, "\(field).\(key)", maxBytes: Limits.maximumIDBytes)
            try text(entry, "\(field).\(key)", allowEmpty: true)
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
