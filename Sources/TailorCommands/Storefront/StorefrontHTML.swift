import Foundation

/// Text made safe for the storefront's HTML: everything the pages print from the
/// catalog, the URL or a form goes through here, so a title holding `<script>` or a
/// quote shows as text.
enum StorefrontHTML {
    /// `text` escaped for an element's content or a double-quoted attribute value.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `value` as JSON, escaped for a double-quoted attribute (`data-tailor-context`).
    static func jsonAttribute(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return escape(json)
    }

    /// A price as the demo shop prints it: `€94.99`.
    static func price(_ value: Double) -> String {
        "€" + String(format: "%.2f", value)
    }

    /// A path segment with everything but unreserved characters percent-encoded.
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// The fields of an `application/x-www-form-urlencoded` text (a posted form, a
    /// query string): `+` is a space; nil when the percent-encoding is broken.
    static func formFields(_ text: String) -> [String: String]? {
        var fields = [String: String]()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) -> String? { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decoded(parts[0]), let value = decoded(parts.count > 1 ? parts[1] : "") else { return nil }
            fields[name] = value
        }
        return fields
    }
}
