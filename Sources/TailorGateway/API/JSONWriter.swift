import NIOCore

/// A value that writes itself as JSON with `JSONWriter`, bypassing `JSONEncoder`
/// on hot paths. Its bytes are those `JSONCoding.encoder` would produce.
protocol JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError)
}

/// Appends JSON to a byte array without `Encoder` machinery, in the byte format of
/// `JSONCoding.encoder` (Foundation's `JSONEncoder` with `.sortedKeys`): `/` is
/// escaped as `\/`, control characters as the short escapes or `\u00xx`, non-ASCII
/// passes through; a Float or Double is its shortest round-trip `description` with
/// a trailing `.0` dropped. The caller writes keys in sorted order; the writer only
/// places the commas. It fills a `[UInt8]` and copies it into a `ByteBuffer` once at
/// the end: `ByteBuffer`'s per-write checks cost more than that copy when a
/// response is made of hundreds of small writes.
struct JSONWriter {
    private(set) var bytes: [UInt8]
    /// True after a complete value, when the next key or array element needs a comma.
    private var needsComma = false

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The bytes of `value`; `capacity` is reserved up front so a typical answer never grows.
    static func encode(_ value: some JSONWritable, capacity: Int) throws(EncodingError) -> ByteBuffer {
        var writer = JSONWriter(capacity: capacity)
        try value.write(to: &writer)
        return ByteBuffer(bytes: writer.bytes)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object key. Keys are the program's own field names, so they are written
    /// as they are: they must not contain anything JSON escapes.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// An object key from data (a payload's): escaped like a string.
    mutating func key(_ name: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        writeEscaped(name.utf8)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        writeEscaped(value.utf8)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
        needsComma = true
    }

    mutating func null() {
        separate()
        append("null")
        needsComma = true
    }

    mutating func number(_ value: Int) {
        separate()
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var index = start + digits
        repeat {
            index -= 1
            bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        needsComma = true
    }

    /// Throws for NaN and infinity, as `JSONEncoder` does: JSON has no such numbers.
    mutating func number(_ value: Double) throws(EncodingError) {
        guard value.isFinite else { throw Self.nonFinite(value, "Double") }
        separate()
        writeNumberText(value.description)
        needsComma = true
    }

    /// Throws for NaN and infinity, as `JSONEncoder` does: JSON has no such numbers.
    mutating func number(_ value: Float) throws(EncodingError) {
        guard value.isFinite else { throw Self.nonFinite(value, "Float") }
        separate()
        writeNumberText(value.description)
        needsComma = true
    }

    mutating func value(_ value: some JSONWritable) throws(EncodingError) {
        try value.write(to: &self)
    }

    mutating func array(_ elements: [some JSONWritable]) throws(EncodingError) {
        beginArray()
        for element in elements { try element.write(to: &self) }
        endArray()
    }

    mutating func array(_ elements: [String]) {
        beginArray()
        for element in elements { string(element) }
        endArray()
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// `description` of a finite Float or Double is the shortest text that reads back
    /// to the same value (`1.0`, `19.99`, `1e-07`, `1.2345679e+08`), all valid JSON;
    /// `JSONEncoder` drops a trailing `.0`, and so does this.
    private mutating func writeNumberText(_ text: String) {
        let utf8 = text.utf8
        if text.hasSuffix(".0"), utf8.count > 2 {
            bytes.append(contentsOf: utf8.dropLast(2))
        } else {
            bytes.append(contentsOf: utf8)
        }
    }

    /// Runs of plain bytes are copied whole (a slice of a native string's UTF-8 is
    /// contiguous, so each append is one copy); the rest are escaped.
    private mutating func writeEscaped(_ utf8: String.UTF8View) {
        var runStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") else {
                utf8.formIndex(after: &index)
                continue
            }
            if runStart != index { bytes.append(contentsOf: utf8[runStart..<index]) }
            writeEscape(of: byte)
            utf8.formIndex(after: &index)
            runStart = index
        }
        if runStart != utf8.endIndex { bytes.append(contentsOf: utf8[runStart..<utf8.endIndex]) }
    }

    private mutating func writeEscape(of byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case UInt8(ascii: "/"): append("\\/")
        case 0x08: append("\\b")
        case 0x09: append("\\t")
        case 0x0A: append("\\n")
        case 0x0C: append("\\f")
        case 0x0D: append("\\r")
        default:
            // Lowercase hex, as JSONEncoder writes it.
            func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10 }
            append("\\u00")
            bytes.append(hex(byte >> 4))
            bytes.append(hex(byte & 0x0F))
        }
    }

    private static func nonFinite(_ value: some BinaryFloatingPoint, _ type: String) -> EncodingError {
        EncodingError.invalidValue(
            value, EncodingError.Context(codingPath: [], debugDescription: "Unable to encode \(type).\(value) directly in JSON.")
        )
    }
}
