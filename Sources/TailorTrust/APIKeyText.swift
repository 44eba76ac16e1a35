import Crypto
import Foundation

/// The text of an API key and what is stored of it.
///
/// A key is `tk_<role>_` and 43 characters of URL-safe base64 (32 random bytes,
/// 256 bits), e.g. `tk_public_3q2-…`: the prefix tells a person (and a secret
/// scanner) what it is; the random part is what makes it a key. Only its SHA-256
/// is kept; a caller's key is looked up by that hash.
package enum APIKeyText {
    package static func generate(rolePrefix: String) -> String {
        "tk_\(rolePrefix)_\(RandomText.base64URL(bytes: 32))"
    }

    /// SHA-256 of the key's text, in hex: what is stored and replicated.
    package static func hash(_ key: String) -> String {
        Hex.encode(SHA256.hash(data: Data(key.utf8)))
    }
}
