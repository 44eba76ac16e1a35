import Crypto
import Foundation

/// SHA-256 of a text, for ids derived from other ids: the same input gives the same
/// id on every member, and distinct inputs do not meet in practice.
package enum TextDigest {
    /// SHA-256 of the UTF-8 bytes of `parts`, each length-prefixed (so no two lists of
    /// parts share a digest by concatenation), in lowercase hex (64 characters).
    package static func sha256Hex(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: Data("\(part.utf8.count):".utf8))
            hasher.update(data: Data(part.utf8))
        }
        return Hex.encode(hasher.finalize())
    }
}
