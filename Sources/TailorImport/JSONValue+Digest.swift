import TailorModel
import TailorTrust

extension JSONValue {
    /// SHA-256 (``TextDigest``) of the value in a canonical form (object members by
    /// key), so the same message written with its members in another order digests the
    /// same: 64 hex digits.
    package var digest: String {
        var parts: [String] = []
        canonicalParts(into: &parts)
        return TextDigest.sha256Hex(parts)
    }

    private func canonicalParts(into parts: inout [String]) {
        switch self {
        case .null: parts.append("n")
        case .bool(let flag): parts.append(flag ? "t" : "f")
        case .number(let number): parts.append("#\(number)")
        case .string(let text): parts.append("s"); parts.append(text)
        case .array(let elements):
            parts.append("[\(elements.count)")
            for element in elements { element.canonicalParts(into: &parts) }
        case .object(let members):
            parts.append("{\(members.count)")
            for key in members.keys.sorted() {
                parts.append(key)
                members[key]!.canonicalParts(into: &parts)
            }
        }
    }
}
