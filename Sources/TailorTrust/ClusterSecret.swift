import Crypto
import Foundation

/// The secret every member of one cluster shares: the key of the HMAC that signs
/// every internal call (``ClusterTrust``). Given as text (a file's contents or
/// `TAILOR_CLUSTER_SECRET`) of at least ``minimumLength`` characters, such as
/// `openssl rand -hex 32`; surrounding whitespace (a file's final newline) is ignored.
package struct ClusterSecret: Sendable {
    /// 32 characters: 128 bits when they are hex digits, more otherwise.
    package static let minimumLength = 32

    let key: SymmetricKey
    /// The MAC keyed with the secret, before any message: copied for each signature.
    let keyed: HMAC<SHA256>
    /// The secret as given (trimmed): what `tailor local` hands its children.
    package let text: String

    package init(text: String) throws(TrustSetupError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self.text = trimmed
        guard trimmed.count >= Self.minimumLength else {
            throw TrustSetupError("the cluster secret is \(trimmed.count) characters long; it needs at least \(Self.minimumLength) (e.g. `openssl rand -hex 32`)")
        }
        key = SymmetricKey(data: Data(trimmed.utf8))
        keyed = HMAC<SHA256>(key: key)
    }

    /// A fresh random secret (`tailor local` makes one per run for its members).
    package static func random() -> ClusterSecret {
        // 32 random bytes as 64 hex digits: valid by construction.
        try! ClusterSecret(text: RandomText.hex(bytes: 32))
    }

    /// A short digest of the secret that is safe to log: members whose fingerprints
    /// differ do not share a secret (it tells nothing about the secret itself).
    package var fingerprint: String {
        let digest = HMAC<SHA256>.authenticationCode(for: Data("tailor fingerprint".utf8), using: key)
        return Hex.encode(Array(digest).prefix(4))
    }
}

/// A secret or key that is missing or unusable at start-up.
package struct TrustSetupError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// Random text from the system's generator (`SystemRandomNumberGenerator`: getrandom(2)).
package enum RandomText {
    /// `count` random bytes, eight per draw from the generator.
    package static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    package static func hex(bytes count: Int) -> String {
        Hex.encode(bytes(count))
    }

    /// URL-safe base64 without padding (RFC 4648 §5): 4 characters per 3 bytes.
    package static func base64URL(bytes count: Int) -> String {
        Base64URL.encode(bytes(count))
    }
}

/// URL-safe base64 without padding (RFC 4648 §5), for keys and ids that travel in URLs
/// and JSON untouched.
package enum Base64URL {
    package static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes of `text`, or nil when it is not URL-safe base64.
    package static func decode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

extension ClusterSecret {
    /// An HMAC-SHA256 of `message` under a key derived from the secret for one
    /// `purpose` (so a MAC made for one use is never valid for another).
    package func authenticationCode(for message: some DataProtocol, purpose: String) -> [UInt8] {
        let derived = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data(purpose.utf8), using: key))
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: derived))
    }
}
