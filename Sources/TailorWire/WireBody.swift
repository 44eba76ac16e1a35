import Foundation
public import SwiftProtobuf

/// HTTP `content-type` of protobuf bodies exchanged between members.
///
/// Members check it before decoding so that a misrouted JSON or HTML body is
/// reported as the wrong media type rather than as a corrupt message.
public let WireContentType = "application/x-protobuf"

/// What an internal call carries in one direction: how it turns into the bytes of
/// an HTTP body and back.
///
/// Most calls carry protobuf messages (``ProtobufWireBody``); a few diagnostics
/// carry text or JSON that operators and tools read as it is (``WireText``,
/// ``WireJSONText``), and gossip carries envelopes its shell encodes itself
/// (``WireEncodedMessage``). Transports add no framing: HTTP/2 delimits each body.
public protocol WireBody: Sendable {
    /// The `content-type` the body is sent with; nil sends none.
    static var contentType: String? { get }

    /// What the body is called when one cannot be read ("body is not a valid …").
    static var wireName: String { get }

    /// The bytes sent for this body.
    func wireBytes() throws -> [UInt8]

    /// Reads a body received from a peer.
    ///
    /// - Throws: ``WireError`` when the bytes are too many or not this body.
    init(wireBytes bytes: [UInt8]) throws(WireError)
}

/// A protobuf message as a ``WireBody``: sent with ``WireContentType``, refused
/// above ``WireLimits/maxMessageBytes`` before any parsing.
///
/// Fields this member does not know are kept in `unknownFields` and written back
/// out on re-encoding, so a member on an older schema can relay a newer peer's
/// message without losing data.
public protocol ProtobufWireBody: WireBody, SwiftProtobuf.Message {}

extension ProtobufWireBody {
    /// ``WireContentType``.
    public static var contentType: String? { WireContentType }

    /// The message's protobuf name.
    public static var wireName: String { protoMessageName }

    /// The message in protobuf binary format.
    public func wireBytes() throws -> [UInt8] {
        try serializedBytes()
    }

    /// Decodes a message, refusing one above the default ``WireLimits``.
    public init(wireBytes bytes: [UInt8]) throws(WireError) {
        try self.init(wireBytes: bytes, maxBytes: WireLimits.defaults.maxMessageBytes)
    }

    /// Decodes a message of at most `maxBytes` bytes.
    ///
    /// - Throws: ``WireError`` with code ``WireError/Code/messageTooLarge`` when
    ///   the body exceeds `maxBytes`, or ``WireError/Code/malformed`` when it is
    ///   not a valid encoding of this message type.
    public init(wireBytes bytes: [UInt8], maxBytes: Int) throws(WireError) {
        guard bytes.count <= maxBytes else { throw WireError.messageTooLarge(limit: maxBytes, actual: bytes.count) }
        guard !bytes.isEmpty else {
            self.init()
            return
        }
        do {
            try self.init(serializedBytes: bytes)
        } catch {
            throw WireError.malformed(messageType: Self.protoMessageName, cause: error)
        }
    }
}

/// No body: nothing is sent, and whatever arrives is ignored. An answer of this
/// type is sent as `204 No Content`.
public struct WireEmpty: WireBody, Hashable {
    /// Creates the empty body.
    public init() {}

    /// None.
    public static var contentType: String? { nil }

    /// "empty body".
    public static var wireName: String { "empty body" }

    /// No bytes.
    public func wireBytes() -> [UInt8] { [] }

    /// Ignores `bytes`.
    public init(wireBytes bytes: [UInt8]) {}
}

/// UTF-8 text, sent as `text/plain` (the ping's answer, the product names of a
/// counters read). Invalid UTF-8 is repaired, never refused.
public struct WireText: WireBody, Hashable {
    /// The text.
    public var text: String

    /// Creates a text body.
    public init(_ text: String) {
        self.text = text
    }

    /// `text/plain`.
    public static var contentType: String? { "text/plain" }

    /// "UTF-8 text".
    public static var wireName: String { "UTF-8 text" }

    /// The text's UTF-8 bytes.
    public func wireBytes() -> [UInt8] { Array(text.utf8) }

    /// The bytes as text (invalid sequences become U+FFFD).
    public init(wireBytes bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
    }
}

/// A JSON document as text, sent as `application/json`: the diagnostics that
/// operators, the chaos suite and the benches read. Each side encodes and decodes
/// the document itself, so its bytes are exactly what the serving side wrote.
public struct WireJSONText: WireBody, Hashable {
    /// The JSON document.
    public var json: String

    /// Creates a JSON body from its text.
    public init(_ json: String) {
        self.json = json
    }

    /// `application/json`.
    public static var contentType: String? { "application/json" }

    /// "JSON document".
    public static var wireName: String { "JSON document" }

    /// The document's UTF-8 bytes.
    public func wireBytes() -> [UInt8] { Array(json.utf8) }

    /// The bytes as text (invalid sequences become U+FFFD).
    public init(wireBytes bytes: [UInt8]) {
        json = String(decoding: bytes, as: UTF8.self)
    }
}

/// A protobuf message that the caller has encoded, or will decode, itself: the
/// gossip shell encodes each envelope once and counts its bytes. Sent with
/// ``WireContentType``; no limit is applied here (the decoder applies it).
public struct WireEncodedMessage: WireBody, Hashable {
    /// The encoded message.
    public var bytes: [UInt8]

    /// Wraps encoded bytes.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Encodes `message`.
    public init(encoding message: some SwiftProtobuf.Message) throws {
        bytes = try message.serializedBytes()
    }

    /// ``WireContentType``.
    public static var contentType: String? { WireContentType }

    /// "encoded protobuf message".
    public static var wireName: String { "encoded protobuf message" }

    /// The bytes as they are.
    public func wireBytes() -> [UInt8] { bytes }

    /// The bytes as they are.
    public init(wireBytes bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Decodes the bytes as `type`, refusing them above the default ``WireLimits``.
    public func decode<Message: ProtobufWireBody>(as type: Message.Type = Message.self) throws(WireError) -> Message {
        try Message(wireBytes: bytes)
    }
}
