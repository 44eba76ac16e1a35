import NIOCore
import SwiftProtobuf
import TailorWire

// Protobuf messages to and from NIO buffers; here rather than in TailorWire, which
// imports no NIO.

extension SwiftProtobuf.Message {
    /// Encodes the message in protobuf binary format, ready to send as an HTTP body.
    ///
    /// Bodies are unframed: HTTP/2 already delimits each one, so no length
    /// prefix is added.
    ///
    /// - Parameter allocator: Allocator for the returned buffer.
    /// - Returns: A buffer whose readable bytes are exactly the encoded message.
    /// - Throws: SwiftProtobuf's encoding error if the message cannot be encoded.
    package func wireEncoded(allocator: ByteBufferAllocator = .init()) throws -> ByteBuffer {
        // SwiftProtobuf sizes its output exactly, so this costs one copy and no reallocation.
        let bytes: [UInt8] = try self.serializedBytes()
        return allocator.buffer(bytes: bytes)
    }

    /// Decodes a message from the readable bytes of an HTTP body sent by a peer.
    ///
    /// Fields this member does not know are kept in `unknownFields` and written
    /// back out on re-encoding, so a member on an older schema can relay a newer
    /// peer's message without losing data.
    ///
    /// - Parameters:
    ///   - buffer: The body; all of its readable bytes are one encoded message.
    ///   - maxBytes: Largest body accepted; checked before any parsing.
    /// - Throws: ``WireError`` with code ``WireError/Code/messageTooLarge`` when
    ///   the body exceeds `maxBytes`, or ``WireError/Code/malformed`` when it is
    ///   not a valid encoding of this message type.
    package init(
        wireDecoding buffer: ByteBuffer,
        maxBytes: Int = WireLimits.defaults.maxMessageBytes
    ) throws {
        guard buffer.readableBytes <= maxBytes else {
            throw WireError.messageTooLarge(limit: maxBytes, actual: buffer.readableBytes)
        }
        do {
            try self.init(serializedBytes: buffer.readableBytesSpan)
        } catch {
            throw WireError.malformed(messageType: Self.protoMessageName, cause: error)
        }
    }
}
