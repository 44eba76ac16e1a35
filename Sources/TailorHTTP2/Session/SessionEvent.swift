import HTTPTypes
import NIOCore

/// What a session saw while reading: the connection handlers act on these.
enum SessionEvent {
    /// A complete request (server) or response (client): head and whole body.
    case message(streamID: Int32, InboundMessage)
    /// A message broke a limit; its stream must be answered or reset.
    case rejected(streamID: Int32, Rejection)
    /// The stream is gone; `errorCode` is 0 when it ended normally.
    case streamClosed(streamID: Int32, errorCode: UInt32)
    case goAway(lastStreamID: Int32, errorCode: UInt32)
    case pingAcknowledged
    case settingsChanged
}

/// Why an inbound message was refused before it reached a handler.
enum Rejection: Sendable, Equatable {
    case headerListTooLarge
    case bodyTooLarge
}

/// The head of an inbound message, pseudo-headers split out.
struct InboundHead {
    var method: String?
    var path: String?
    var scheme: String?
    var authority: String?
    var status: [UInt8]?
    var fields = HTTPFields()
}

struct InboundMessage {
    var head: InboundHead
    var body: ByteBuffer
}

/// Per-stream assembly of an inbound message while its frames arrive. A class so
/// that the per-header and per-chunk callbacks mutate it in place, without copying.
final class InboundStream {
    var head = InboundHead()
    var body = ByteBuffer()
    var headerListBytes = 0
    var inTrailers = false
    var delivered = false
    var rejection: Rejection?

    func beginHead() {
        head = InboundHead()
        headerListBytes = 0
    }

    func reject(_ reason: Rejection) {
        if rejection == nil { rejection = reason }
    }

    /// Adds one header field; false when the stream must be reset (a malformed name).
    func append(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, maxHeaderListBytes: Int) -> Bool {
        if inTrailers { return true }
        // RFC 9113 §6.5.2 counts 32 bytes of overhead per field.
        headerListBytes += name.count + value.count + 32
        if headerListBytes > maxHeaderListBytes {
            reject(.headerListTooLarge)
            return true
        }
        if rejection != nil { return true }
        if name.first == UInt8(ascii: ":") {
            switch String(decoding: name, as: UTF8.self) {
            case ":method": head.method = String(decoding: value, as: UTF8.self)
            case ":path": head.path = String(decoding: value, as: UTF8.self)
            case ":scheme": head.scheme = String(decoding: value, as: UTF8.self)
            case ":authority": head.authority = String(decoding: value, as: UTF8.self)
            case ":status": head.status = Array(value)
            default: return false
            }
            return true
        }
        guard let fieldName = HTTPField.Name(String(decoding: name, as: UTF8.self)) else { return false }
        head.fields.append(HTTPField(name: fieldName, value: String(decoding: value, as: UTF8.self)))
        return true
    }
}
