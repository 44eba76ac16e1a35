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
/// - `nonce`: 16 bytes in hex, unique per call (8 random bytes per process and a
///   counter); a nonce seen within the window is refused (a replayed request, even a
///   byte-exact one, does nothing);
/// - `mac`: HMAC-SHA256 over `v1`, the method, the path, time, nonce and the
///   SHA-256 of the body, each on its own line, in hex, checked in constant time
///   (swift-crypto's MAC comparison, `safeCompare`).
///
/// ``open`` signs nothing and checks nothing: a cluster started with
/// `--insecure-no-auth` and no secret.
package final class ClusterTrust: Sendable {
    package static let headerName = "tailor-signature"
    /// How far a request's time may be from the receiver's clock.
    package static let skew: Duration = .seconds(15)

    package let secret: ClusterSecret?
    private let replay = Mutex(ReplayWindow())
    /// Nonces need to be unique, not secret (the MAC covers them): 8 random bytes per
    /// process, then a counter, so a signature costs no system call.
    private let noncePrefix = Hex.encode(RandomText.bytes(8))
    private let nonceCounter = Atomic<UInt64>(0)

    package static let open = ClusterTrust(secret: nil)

    package init(secret: ClusterSecret?) {
        self.secret = secret
    }

    package var isOpen: Bool { secret == nil }

    /// The `tailor-signature` header's value for a request, or nil when open.
    package func signature(method: String, path: String, body: UnsafeRawBufferPointer, nowMillis: Int64 = ClusterTrust.nowMillis) -> String? {
        guard let secret else { return nil }
        let count = nonceCounter.add(1, ordering: .relaxed).newValue
        let nonce = noncePrefix + Hex.encode((0..<8).reversed().map { UInt8(truncatingIfNeeded: count >> ($0 * 8)) })
        let mac = Self.mac(secret: secret, method: method, path: path, time: nowMillis, nonce: nonce.utf8, body: body)
        var header: [UInt8] = Array("v1 ".utf8)
        header.reserveCapacity(3 + 14 + 1 + 32 + 1 + 64)
        header.append(contentsOf: String(nowMillis).utf8)
        header.append(UInt8(ascii: " "))
        header.append(contentsOf: nonce.utf8)
        header.append(UInt8(ascii: " "))
        Hex.append(mac, to: &header)
        return String(decoding: header, as: UTF8.self)
    }

    /// Why a request is refused, or nil when it may go on (always nil when open).
    package func refusal(method: String, path: String, header: String?, body: UnsafeRawBufferPointer, nowMillis: Int64 = ClusterTrust.nowMillis) -> String? {
        guard let secret else { return nil }
        guard let header else { return "unsigned internal call: members of this cluster sign every call with the cluster secret (\(Self.headerName))" }
        // Bytes, not Characters: four fields separated by single spaces.
        let parts = header.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].elementsEqual("v1".utf8), let time = Self.integer(parts[1]),
            let nonce = Nonce(hex: parts[2]), let mac = Hex.decode(parts[3]), mac.count == 32
        else { return "malformed \(Self.headerName) header" }
        let skewMillis = Self.skew.components.seconds * 1000
        guard abs(nowMillis - time) <= skewMillis else {
            return "the call's time is \(nowMillis - time) ms away from this member's clock (at most \(skewMillis) ms allowed; are the clocks synchronised?)"
        }
        let expected = Self.mac(secret: secret, method: method, path: path, time: time, nonce: parts[2], body: body)
        // MAC's == compares in constant time (swift-crypto's safeCompare).
        guard expected == mac else { return "bad signature: the caller does not hold this cluster's secret" }
        let fresh = replay.withLock { $0.insert(nonce, nowMillis: nowMillis, windowMillis: 2 * skewMillis) }
        return fresh ? nil : "replayed call: this signature was already used"
    }

    /// A non-negative decimal of at most 18 digits.
    private static func integer(_ digits: Substring.UTF8View) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        return value
    }

    package static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// HMAC-SHA256 over `v1`, method, path, time, nonce and the body's SHA-256 (hex),
    /// each followed by a newline but the last: one contiguous message, fed to a copy of
    /// the secret's keyed MAC (its key schedule is computed once).
    private static func mac(
        secret: ClusterSecret, method: String, path: String, time: Int64, nonce: some Collection<UInt8>, body: UnsafeRawBufferPointer
    ) -> HMAC<SHA256>.MAC {
        var message: [UInt8] = []
        message.reserveCapacity(3 + method.utf8.count + path.utf8.count + nonce.count + 20 + 4 + 64)
        message.append(contentsOf: "v1\n".utf8)
        message.append(contentsOf: method.utf8)
        message.append(UInt8(ascii: "\n"))
        message.append(contentsOf: path.utf8)
        message.append(UInt8(ascii: "\n"))
        message.append(contentsOf: String(time).utf8)
        message.append(UInt8(ascii: "\n"))
        message.append(contentsOf: nonce)
        message.append(UInt8(ascii: "\n"))
        Hex.append(SHA256.hash(data: body), to: &message)
        var hmac = secret.keyed
        hmac.update(data: message)
        return hmac.finalize()
    }

}

/// Lowercase hex, both ways, without Foundation's formatting.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the hex digits of `bytes` to `out`.
    package static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
    }

    package static func decode(_ hex: some Collection<UInt8>) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(hex.count / 2)
        var high: UInt8?
        for char in hex {
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
/// A call's 16 random bytes, as two integers (cheaper to hash and keep than text).
struct Nonce: Hashable {
    var high: UInt64
    var low: UInt64

    /// Exactly 32 lowercase hex digits.
    init?(hex: some Collection<UInt8>) {
        guard hex.count == 32, let bytes = Hex.decode(hex) else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

struct ReplayWindow {
    private var current = Set<Nonce>()
    private var previous = Set<Nonce>()
    private var currentStartedMillis: Int64?

    /// True when `nonce` was not seen; it is remembered from now on.
    mutating func insert(_ nonce: Nonce, nowMillis: Int64, windowMillis: Int64) -> Bool {
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
