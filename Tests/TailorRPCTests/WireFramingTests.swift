import Foundation
import NIOCore
import TailorRPC
import TailorWire
import Testing

@Suite("Wire framing")
struct WireFramingTests {
    static let payloadSizes = [0, 1, 1024 * 1024]

    @Test("PingRequest round-trips through a ByteBuffer", arguments: payloadSizes)
    func pingRequestRoundTrip(payloadSize: Int) throws {
        var request = WirePingRequest()
        request.sequence = .max
        request.payload = Self.patternedPayload(count: payloadSize)
        request.sentAtUnixNanos = 1_700_000_000_123_456_789
        request.sender = "member-a"

        let buffer = try request.wireEncoded()
        let decoded = try WirePingRequest(wireDecoding: buffer)

        #expect(decoded == request)
        #expect(decoded.payload.count == payloadSize)
    }

    @Test("PingResponse round-trips through a ByteBuffer", arguments: payloadSizes)
    func pingResponseRoundTrip(payloadSize: Int) throws {
        var response = WirePingResponse()
        response.sequence = 42
        response.payload = Self.patternedPayload(count: payloadSize)
        // Negative so a sign-handling bug in int64 encoding would show.
        response.sentAtUnixNanos = -1
        response.responder = "member-b"

        let buffer = try response.wireEncoded()
        let decoded = try WirePingResponse(wireDecoding: buffer)

        #expect(decoded == response)
        #expect(decoded.payload.count == payloadSize)
    }

    @Test("A default message encodes to an empty body and decodes back")
    func emptyMessage() throws {
        let buffer = try WirePingRequest().wireEncoded()
        #expect(buffer.readableBytes == 0)
        #expect(try WirePingRequest(wireDecoding: buffer) == WirePingRequest())
    }

    @Test("Decoding reads only the buffer's readable bytes")
    func decodesReadableBytesOnly() throws {
        var request = WirePingRequest()
        request.sequence = 7
        request.sender = "member-a"
        let body = try request.wireEncoded()

        var buffer = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF])
        buffer.writeImmutableBuffer(body)
        buffer.moveReaderIndex(forwardBy: 3)

        #expect(try WirePingRequest(wireDecoding: buffer) == request)
    }

    @Test("A body over the limit is refused as messageTooLarge, naming the limit")
    func bodyOverLimit() throws {
        var request = WirePingRequest()
        request.payload = Data(count: 4096)
        let buffer = try request.wireEncoded()

        let error = try #require(throws: WireError.self) {
            try WirePingRequest(wireDecoding: buffer, maxBytes: 4096)
        }
        #expect(error.code == .messageTooLarge)
        #expect(error.message.contains("4096"))
        #expect(error.message.contains("\(buffer.readableBytes)"))
        #expect(String(describing: error).contains("messageTooLarge"))
    }

    @Test("A body exactly at the limit is accepted")
    func bodyAtLimit() throws {
        var request = WirePingRequest()
        request.payload = Data(count: 4096)
        let buffer = try request.wireEncoded()

        let decoded = try WirePingRequest(wireDecoding: buffer, maxBytes: buffer.readableBytes)
        #expect(decoded == request)
    }

    @Test("The default limit is 4 MiB")
    func defaultLimit() throws {
        #expect(WireLimits.defaults.maxMessageBytes == 4 * 1024 * 1024)

        var request = WirePingRequest()
        request.payload = Data(count: 4 * 1024 * 1024)
        let buffer = try request.wireEncoded()

        let error = try #require(throws: WireError.self) {
            try WirePingRequest(wireDecoding: buffer)
        }
        #expect(error.code == .messageTooLarge)
        #expect(error.message.contains("\(4 * 1024 * 1024)"))
    }

    @Test(
        "Garbage bytes are refused as malformed",
        arguments: [
            // Field 1 varint whose continuation bit never ends.
            [0x08, 0xFF, 0xFF],
            // Field 2 (bytes) claiming 100 bytes that are not there.
            [0x12, 0x64, 0x01],
            // Wire type 7 does not exist.
            [0x0F],
            // Field number 0 is invalid.
            [0x00, 0x01],
        ] as [[UInt8]]
    )
    func garbageIsMalformed(bytes: [UInt8]) throws {
        let error = try #require(throws: WireError.self) {
            try WirePingResponse(wireDecoding: ByteBuffer(bytes: bytes))
        }
        #expect(error.code == .malformed)
        #expect(error.message.contains("tailor.wire.v1.PingResponse"))
        #expect(error.cause != nil)
    }

    @Test("Fields from a newer peer survive decoding and re-encoding")
    func unknownFieldsSurvive() throws {
        // What a newer peer might send: sequence = 5, sender = "m1", plus
        // field 15 (varint 300) and field 16 (string "v2") this schema lacks.
        let newerPeerBody: [UInt8] = [
            0x08, 0x05,  // field 1, varint: 5
            0x22, 0x02, 0x6D, 0x31,  // field 4, length-delimited: "m1"
            0x78, 0xAC, 0x02,  // field 15, varint: 300
            0x82, 0x01, 0x02, 0x76, 0x32,  // field 16, length-delimited: "v2"
        ]

        let decoded = try WirePingRequest(wireDecoding: ByteBuffer(bytes: newerPeerBody))
        #expect(decoded.sequence == 5)
        #expect(decoded.sender == "m1")

        // A member relaying the message must not drop what it does not understand.
        let reencoded = try decoded.wireEncoded()
        #expect(Array(reencoded.readableBytesView) == newerPeerBody)
    }

    @Test("The content type is protobuf's")
    func contentType() {
        #expect(WireContentType == "application/x-protobuf")
    }

    private static func patternedPayload(count: Int) -> Data {
        // Not all zeroes, so a copy from the wrong offset would not go unnoticed.
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    }
}
