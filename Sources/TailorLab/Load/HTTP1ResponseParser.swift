import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP/1.1 answers a keep-alive connection receives, cut out of the bytes as they
/// arrive: status, whether the connection stays open, and the body. Just what the load
/// generator reads; `Content-Length` and chunked bodies (the gateway sends the first).
///
/// A value type fed bytes by ``LoadConnection``: no allocation per header, no header
/// dictionary, no async hop per answer (NIO's full HTTP client pipeline, with an async
/// iterator per answer, cost the generator 0.25–0.5 ms of CPU per request).
struct HTTP1ResponseParser {
    struct Response: Equatable {
        var status: Int
        /// False when the server said `Connection: close` (or spoke HTTP/1.0 without keep-alive).
        var keepAlive: Bool
        var body: ByteBuffer
    }

    struct Malformed: Error, Equatable {
        var reason: String
    }

    private enum State {
        case head
        /// The head was read: `length` body bytes follow.
        case body(status: Int, keepAlive: Bool, length: Int)
        /// The head was read: chunks follow (collected in `body`).
        case chunks(status: Int, keepAlive: Bool, body: ByteBuffer)
    }

    private var buffer = ByteBuffer()
    private var state = State.head
    /// Bytes of `buffer` already searched for the head's end (so a head split across many
    /// reads is not scanned from its start each time).
    private var searched = 0

    static let maximumHead = 64 * 1024

    /// Takes `bytes` as they arrived; returns the answers they completed, in order.
    mutating func feed(_ bytes: ByteBuffer) throws(Malformed) -> [Response] {
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            var bytes = bytes
            buffer.writeBuffer(&bytes)
        }
        var responses: [Response] = []
        while let response = try next() { responses.append(response) }
        if buffer.readableBytes == 0 { buffer.clear() } else if buffer.readerIndex > 4096 { buffer.discardReadBytes() }
        return responses
    }

    /// Whether part of an answer has arrived and not yet all of it.
    var isMidResponse: Bool {
        if case .head = state { return buffer.readableBytes > 0 }
        return true
    }

    private mutating func next() throws(Malformed) -> Response? {
        switch state {
        case .head:
            guard let headLength = headEnd() else {
                if buffer.readableBytes > Self.maximumHead { throw Malformed(reason: "a response head over 64 KiB") }
                return nil
            }
            let head = buffer.readSlice(length: headLength)!
            searched = 0
            let parsed = try head.withUnsafeReadableBytes { bytes throws(Malformed) in try Self.parseHead(bytes) }
            if parsed.chunked {
                state = .chunks(status: parsed.status, keepAlive: parsed.keepAlive, body: ByteBuffer())
            } else {
                state = .body(status: parsed.status, keepAlive: parsed.keepAlive, length: parsed.length ?? 0)
            }
            return try next()
        case .body(let status, let keepAlive, let length):
            guard let body = buffer.readSlice(length: length) else { return nil }
            state = .head
            return Response(status: status, keepAlive: keepAlive, body: body)
        case .chunks(let status, let keepAlive, var body):
            while true {
                // The size line: hexadecimal digits, maybe extensions after ';', CRLF.
                let line: (size: Int, length: Int)? = try buffer.withUnsafeReadableBytes { bytes throws(Malformed) in
                    guard let end = ByteSearch.firstIndex(of: ByteSearch.crlf, in: bytes) else { return nil }
                    var size = 0
                    var digits = 0
                    for index in 0..<end {
                        guard let digit = Self.hexValue(bytes[index]) else {
                            if bytes[index] == UInt8(ascii: ";") || bytes[index] == UInt8(ascii: " ") { break }
                            throw Malformed(reason: "a chunk size that is not hexadecimal")
                        }
                        size = size &* 16 &+ digit
                        digits += 1
                        guard digits <= 12 else { throw Malformed(reason: "a chunk size over 2^48") }
                    }
                    guard digits > 0 else { throw Malformed(reason: "a chunk size that is not hexadecimal") }
                    return (size, end + 2)
                }
                guard let line else { return nil }
                if line.size == 0 {
                    // The last chunk, then trailers (ignored) up to an empty line.
                    let end: Int? = buffer.withUnsafeReadableBytes { bytes in
                        let rest = UnsafeRawBufferPointer(rebasing: bytes[line.length...])
                        if rest.count >= 2, rest[0] == 13, rest[1] == 10 { return line.length + 2 }
                        return ByteSearch.firstIndex(of: ByteSearch.crlfcrlf, in: rest).map { line.length + $0 + 4 }
                    }
                    guard let end else { return nil }
                    buffer.moveReaderIndex(forwardBy: end)
                    state = .head
                    return Response(status: status, keepAlive: keepAlive, body: body)
                }
                guard buffer.readableBytes >= line.length + line.size + 2 else { return nil }
                buffer.moveReaderIndex(forwardBy: line.length)
                var chunk = buffer.readSlice(length: line.size)!
                body.writeBuffer(&chunk)
                guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw Malformed(reason: "a chunk not followed by CRLF") }
                state = .chunks(status: status, keepAlive: keepAlive, body: body)
            }
        }
    }

    /// The length of the head including its blank line, when all of it has arrived.
    private mutating func headEnd() -> Int? {
        let from = max(0, searched - 3)
        let found = buffer.withUnsafeReadableBytes { bytes in
            ByteSearch.firstIndex(of: ByteSearch.crlfcrlf, in: UnsafeRawBufferPointer(rebasing: bytes[from...]))
        }
        guard let found else {
            searched = buffer.readableBytes
            return nil
        }
        return from + found + 4
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Reads the status line and the three headers that matter, over the head's bytes
    /// (no string made, no header kept).
    private static func parseHead(_ head: UnsafeRawBufferPointer) throws(Malformed) -> (status: Int, keepAlive: Bool, length: Int?, chunked: Bool) {
        // "HTTP/1.x SSS ..."
        guard head.count >= 12, head.starts(with: "HTTP/1.".utf8), head[8] == UInt8(ascii: " ") else {
            throw Malformed(reason: "a status line that is not HTTP/1.x")
        }
        var status = 0
        for index in 9..<12 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(head[index]) else { throw Malformed(reason: "a status that is not 3 digits") }
            status = status * 10 + Int(head[index] - UInt8(ascii: "0"))
        }
        guard (100...599).contains(status) else { throw Malformed(reason: "a status outside 100...599") }
        var keepAlive = head[7] == UInt8(ascii: "1")
        var length: Int?
        var chunked = false
        guard var lineStart = ByteSearch.firstIndex(of: ByteSearch.crlf, in: head).map({ $0 + 2 }) else {
            throw Malformed(reason: "a response head without a line end")
        }
        while lineStart < head.count {
            let rest = UnsafeRawBufferPointer(rebasing: head[lineStart...])
            let lineLength = ByteSearch.firstIndex(of: ByteSearch.crlf, in: rest) ?? rest.count
            if lineLength == 0 { break }
            let line = UnsafeRawBufferPointer(rebasing: rest[..<lineLength])
            lineStart += lineLength + 2
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw Malformed(reason: "a header line without a colon") }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            var valueStart = colon + 1
            while valueStart < line.count, line[valueStart] == UInt8(ascii: " ") || line[valueStart] == UInt8(ascii: "\t") { valueStart += 1 }
            let value = UnsafeRawBufferPointer(rebasing: line[valueStart...])
            if ByteSearch.equalsIgnoringCase(name, "content-length") {
                var parsed = 0
                var digits = 0
                for byte in value {
                    if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { break }
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 15 else {
                        throw Malformed(reason: "a Content-Length that is not a number")
                    }
                    parsed = parsed * 10 + Int(byte - UInt8(ascii: "0"))
                    digits += 1
                }
                guard digits > 0 else { throw Malformed(reason: "a Content-Length that is not a number") }
                length = parsed
            } else if ByteSearch.equalsIgnoringCase(name, "transfer-encoding") {
                chunked = ByteSearch.containsIgnoringCase(value, "chunked")
            } else if ByteSearch.equalsIgnoringCase(name, "connection") {
                if ByteSearch.containsIgnoringCase(value, "close") {
                    keepAlive = false
                } else if ByteSearch.containsIgnoringCase(value, "keep-alive") {
                    keepAlive = true
                }
            }
        }
        if !chunked, length == nil, !(status == 204 || status == 304 || (100..<200).contains(status)) {
            throw Malformed(reason: "an answer with neither Content-Length nor chunked encoding")
        }
        return (status, keepAlive, length, chunked)
    }
}

/// Byte searches over raw memory, written out: the standard library's generic
/// `firstRange(of:)` on a `ByteBufferView` ran unspecialised and took most of the load
/// generator's CPU in a profile.
enum ByteSearch {
    static let crlf: StaticString = "\r\n"
    static let crlfcrlf: StaticString = "\r\n\r\n"

    /// The offset of the first occurrence of `needle` in `haystack`.
    static func firstIndex(of needle: StaticString, in haystack: UnsafeRawBufferPointer) -> Int? {
        needle.withUTF8Buffer { needle in firstIndex(of: UnsafeRawBufferPointer(needle), in: haystack) }
    }

    static func firstIndex(of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, let base = haystack.baseAddress, let first = needle.first else {
            return needle.isEmpty ? 0 : nil
        }
        var offset = 0
        let last = haystack.count - needle.count
        while offset <= last {
            guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
            let position = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + position, needle.baseAddress!, needle.count) == 0 { return position }
            offset = position + 1
        }
        return nil
    }

    /// Whether `bytes` spell `text` (ASCII), letters in any case.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { text in
            guard bytes.count == text.count else { return false }
            for index in 0..<text.count where bytes[index] | 0x20 != text[index] | 0x20 { return false }
            return true
        }
    }

    /// Whether `text` (lowercase ASCII) occurs in `bytes`, letters in any case.
    static func containsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { text in
            guard bytes.count >= text.count else { return false }
            for start in 0...(bytes.count - text.count) {
                var matched = true
                for index in 0..<text.count where bytes[start + index] | 0x20 != text[index] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            return false
        }
    }
}
