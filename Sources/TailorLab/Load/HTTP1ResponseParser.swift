import NIOCore

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
            let parsed = try Self.parseHead(head)
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
                let view = buffer.readableBytesView
                guard let lineEnd = view.firstRange(of: Self.crlf) else { return nil }
                let sizeText = view[view.startIndex..<lineEnd.lowerBound].prefix { $0 != UInt8(ascii: ";") }
                guard let size = Int(String(decoding: sizeText, as: UTF8.self).trimmingSpaces, radix: 16), size >= 0 else {
                    throw Malformed(reason: "a chunk size that is not hexadecimal")
                }
                let lineLength = lineEnd.upperBound - view.startIndex
                if size == 0 {
                    // The last chunk, then trailers (ignored) up to an empty line.
                    let rest = view[lineEnd.upperBound...]
                    let end: Int
                    if rest.starts(with: Self.crlf) {
                        end = lineLength + 2
                    } else if let trailersEnd = rest.firstRange(of: Self.crlfcrlf) {
                        end = trailersEnd.upperBound - view.startIndex
                    } else {
                        return nil
                    }
                    buffer.moveReaderIndex(forwardBy: end)
                    state = .head
                    return Response(status: status, keepAlive: keepAlive, body: body)
                }
                guard buffer.readableBytes >= lineLength + size + 2 else { return nil }
                buffer.moveReaderIndex(forwardBy: lineLength)
                var chunk = buffer.readSlice(length: size)!
                body.writeBuffer(&chunk)
                guard buffer.readBytes(length: 2) == Self.crlf else { throw Malformed(reason: "a chunk not followed by CRLF") }
                state = .chunks(status: status, keepAlive: keepAlive, body: body)
            }
        }
    }

    /// The length of the head including its blank line, when all of it has arrived.
    private mutating func headEnd() -> Int? {
        let view = buffer.readableBytesView
        let from = view.startIndex + max(0, searched - 3)
        guard let end = view[from...].firstRange(of: Self.crlfcrlf) else {
            searched = view.count
            return nil
        }
        return end.upperBound - view.startIndex
    }

    private static let crlf: [UInt8] = [13, 10]
    private static let crlfcrlf: [UInt8] = [13, 10, 13, 10]

    private static func parseHead(_ head: ByteBuffer) throws(Malformed) -> (status: Int, keepAlive: Bool, length: Int?, chunked: Bool) {
        let text = String(buffer: head)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true).makeIterator()
        guard let statusLine = lines.next() else { throw Malformed(reason: "an empty response head") }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status) else {
            throw Malformed(reason: "a status line that is not HTTP/1.x: \(statusLine.prefix(80))")
        }
        var keepAlive = parts[0] == "HTTP/1.1"
        var length: Int?
        var chunked = false
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: ":") else { throw Malformed(reason: "a header line without a colon") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces.lowercased()
            switch name {
            case "content-length":
                guard let parsed = Int(value), parsed >= 0 else { throw Malformed(reason: "a Content-Length that is not a number") }
                length = parsed
            case "transfer-encoding": chunked = value.hasSuffix("chunked")
            case "connection":
                if value.contains("close") { keepAlive = false } else if value.contains("keep-alive") { keepAlive = true }
            default: break
            }
        }
        if !chunked, length == nil, !(status == 204 || status == 304 || (100..<200).contains(status)) {
            throw Malformed(reason: "an answer with neither Content-Length nor chunked encoding")
        }
        return (status, keepAlive, length, chunked)
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
