import NIOCore

/// A value that writes itself as JSON with `JSONWriter`, bypassing `JSONEncoder`
/// on hot paths. Its bytes are those `JSONCoding.encoder` would produce.
protocol JSONWritable {
    func write(to writer: inout JSONWriter) throws(EncodingError)
}

/// Appends JSON to a `ByteBuffer` without `Encoder` machinery, in the byte format of
/// `JSONCoding.encoder` (Foundation's `JSONEncoder` with `.sortedKeys`): `/` is
/// escaped as `\/`, control characters as the short escapes or `\u00xx`, non-ASCII
/// passes through; a Float or Double is its shortest round-trip `description` with
/// a trailing `.0` dropped. The caller writes keys in sorted order; the writer only
/// places the commas.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    /// True after a complete value, when the next key or array element needs a comma.
    private var needsComma = false

    init(capacity: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        buffer = allocator.buffer(capacity: capacity)
    }

    /// The bytes of `value`, in a buffer of `capacity` bytes to start with.
    static func encode(_ value: some JSONWritable, capacity: Int) throws(EncodingError) -> ByteBuffer {
        var writer = JSONWriter(capacity: capacity)
        try value.write(to: &writer)
        return writer.buffer
    }

    mutating func beginObject() {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object key. Keys are the program's own field names, so they are written
    /// as they are: they must not contain anything JSON escapes.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeInteger(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { writeEscaped($0) }
        buffer.writeInteger(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        buffer.writeStaticString(value ? "true" : "false")
        needsComma = true
    }

    mutating func null() {
        separate()
        buffer.writeStaticString("null")
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
        let length = digits + (value < 0 ? 1 : 0)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
            var index = length
            repeat {
                index -= 1
                out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { out[0] = UInt8(ascii: "-") }
            return length
        }
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

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    /// `description` of a finite Float or Double is the shortest text that reads back
    /// to the same value (`1.0`, `19.99`, `1e-07`, `1.2345679e+08`), all valid JSON;
    /// `JSONEncoder` drops a trailing `.0`, and so does this.
    private mutating func writeNumberText(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var count = bytes.count
            if count > 2, bytes[count - 2] == UInt8(ascii: "."), bytes[count - 1] == UInt8(ascii: "0") {
                count -= 2
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[0..<count]))
        }
    }

    private mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        let raw = UnsafeRawBufferPointer(bytes)
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") else {
                continue
            }
            if runStart < index { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[runStart..<index])) }
            writeEscape(of: byte)
            runStart = index + 1
        }
        if runStart < bytes.count { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[runStart..<bytes.count])) }
    }

    private mutating func writeEscape(of byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
        case UInt8(ascii: "/"): buffer.writeStaticString("\\/")
        case 0x08: buffer.writeStaticString("\\b")
        case 0x09: buffer.writeStaticString("\\t")
        case 0x0A: buffer.writeStaticString("\\n")
        case 0x0C: buffer.writeStaticString("\\f")
        case 0x0D: buffer.writeStaticString("\\r")
        default:
            // Lowercase hex, as JSONEncoder writes it.
            func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10 }
            buffer.writeStaticString("\\u00")
            buffer.writeInteger(hex(byte >> 4))
            buffer.writeInteger(hex(byte & 0x0F))
        }
    }

    private static func nonFinite(_ value: some BinaryFloatingPoint, _ type: String) -> EncodingError {
        EncodingError.invalidValue(
            value, EncodingError.Context(codingPath: [], debugDescription: "Unable to encode \(type).\(value) directly in JSON.")
        )
    }
}
