import Crypto
import Foundation
import Synchronization

/// How members of one cluster know each other: every internal HTTP/2 request (RPCs
/// and gossip envelopes alike, which travel as requests) carries a signature made
/// with the cluster secret, and a member refuses a request without a valid one
/// before any handler runs.
///
/// The signature is one header, `tailor-signature: v1 <time> <nonce> <mac>`:
/// - `time`: the sender's clock in milliseconds since the epoch; a request more
///   than ``skew`` away from the receiver's clock is refused (members run NTP);
/// - `nonce`: 16 random bytes in hex; a nonce seen within the window is refused
///   (a replayed request, even a byte-exact one, does nothing);
/// - `mac`: HMAC-SHA256 over `v1`, the method, the path, time, nonce and the
///   SHA-256 of the body, each on its own line, in hex, checked in constant time
///   (swift-crypto's `isValidAuthenticationCode`).
///
/// ``open`` signs nothing and checks nothing: a cluster started with
/// `--insecure-no-auth` and no secret.
package final class ClusterTrust: Sendable {
    package static let headerName = "tailor-signature"
    /// How far a request's time may be from the receiver's clock.
    package static let skew: Duration = .seconds(15)

    package let secret: ClusterSecret?
    private let replay = Mutex(ReplayWindow())

    package static let open = ClusterTrust(secret: nil)

    package init(secret: ClusterSecret?) {
        self.secret = secret
    }

    package var isOpen: Bool { secret == nil }

    /// The `tailor-signature` header's value for a request, or nil when open.
    package func signature(method: String, path: String, body: UnsafeRawBufferPointer, nowMillis: Int64 = ClusterTrust.nowMillis) -> String? {
        guard let secret else { return nil }
        let nonce = RandomText.hex(bytes: 16)
        let mac = Self.mac(secret: secret, method: method, path: path, time: nowMillis, nonce: nonce, body: body)
        return "v1 \(nowMillis) \(nonce) \(Self.hex(mac))"
    }

    /// Why a request is refused, or nil when it may go on (always nil when open).
    package func refusal(method: String, path: String, header: String?, body: UnsafeRawBufferPointer, nowMillis: Int64 = ClusterTrust.nowMillis) -> String? {
        guard let secret else { return nil }
        guard let header else { return "unsigned internal call: members of this cluster sign every call with the cluster secret (\(Self.headerName))" }
        let parts = header.split(separator: " ")
        guard parts.count == 4, parts[0] == "v1", let time = Int64(parts[1]), parts[2].count == 32, let mac = Self.bytes(hex: parts[3]), mac.count == 32
        else { return "malformed \(Self.headerName) header" }
        let skewMillis = Self.skew.components.seconds * 1000
        guard abs(nowMillis - time) <= skewMillis else {
            return "the call's time is \(nowMillis - time) ms away from this member's clock (at most \(skewMillis) ms allowed; are the clocks synchronised?)"
        }
        let nonce = String(parts[2])
        guard Self.isValid(mac, secret: secret, method: method, path: path, time: time, nonce: nonce, body: body) else {
            return "bad signature: the caller does not hold this cluster's secret"
        }
        let fresh = replay.withLock { $0.insert(nonce, nowMillis: nowMillis, windowMillis: 2 * skewMillis) }
        return fresh ? nil : "replayed call: this signature was already used"
    }

    package static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    private static func message(method: String, path: String, time: Int64, nonce: String, body: UnsafeRawBufferPointer) -> Data {
        let digest = SHA256.hash(data: body)
        return Data("v1\n\(method)\n\(path)\n\(time)\n\(nonce)\n\(hex(Array(digest)))".utf8)
    }

    private static func mac(secret: ClusterSecret, method: String, path: String, time: Int64, nonce: String, body: UnsafeRawBufferPointer) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message(method: method, path: path, time: time, nonce: nonce, body: body), using: secret.key))
    }

    private static func isValid(
        _ mac: [UInt8], secret: ClusterSecret, method: String, path: String, time: Int64, nonce: String, body: UnsafeRawBufferPointer
    ) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message(method: method, path: path, time: time, nonce: nonce, body: body), using: secret.key)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for char in hex.utf8 {
            let value: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = char - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return out
    }
}

/// Nonces seen recently, in two generations: the current one takes new nonces; when
/// it is older than the window it becomes the previous one and the oldest is dropped.
/// A nonce is kept at least one window (twice the skew: the longest a valid time can
/// stay valid), at most two; memory is the calls of two windows.
struct ReplayWindow {
    private var current = Set<String>()
    private var previous = Set<String>()
    private var currentStartedMillis: Int64?

    /// True when `nonce` was not seen; it is remembered from now on.
    mutating func insert(_ nonce: String, nowMillis: Int64, windowMillis: Int64) -> Bool {
        let started = currentStartedMillis ?? nowMillis
        if nowMillis - started >= windowMillis {
            previous = nowMillis - started >= 2 * windowMillis ? [] : current
            current = []
            currentStartedMillis = nowMillis
        } else if currentStartedMillis == nil {
            currentStartedMillis = nowMillis
        }
        if previous.contains(nonce) { return false }
        return current.insert(nonce).inserted
    }

    var count: Int { current.count + previous.count }
}
