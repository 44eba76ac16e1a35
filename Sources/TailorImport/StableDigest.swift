/// A 128-bit FNV-1a digest (two 64-bit lanes with different offset bases), stable
/// across processes and platforms, unlike `Hasher`: event ids derived from it are the
/// same every time the same record is imported.
package struct StableDigest: Sendable {
    private var low: UInt64 = 0xcbf2_9ce4_8422_2325
    private var high: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    package init() {}

    package mutating func add(_ byte: UInt8) {
        low = (low ^ UInt64(byte)) &* Self.prime
        high = (high ^ UInt64(byte ^ 0x5c)) &* Self.prime
    }

    package mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes { add(byte) }
        }
        // A separator that cannot occur in UTF-8, so ("ab", "c") and ("a", "bc") differ.
        add(0xff)
    }

    /// 32 lowercase hex digits.
    package var hex: String {
        func pad(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return pad(high) + pad(low)
    }

    /// The digest of some strings, in order.
    package static func hex(_ parts: String...) -> String {
        var digest = StableDigest()
        for part in parts { digest.add(part) }
        return digest.hex
    }
}
