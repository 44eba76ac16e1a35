import Foundation
import HTTPTypes
import NIOCore
import TailorRPC
import TailorWire
import Testing

@testable import TailorHTTP2

@Suite("Protobuf messages over the transport, and clean connection teardown")
struct WireOverHTTP2Tests {
    static let pingPath = "/internal/v1/ping"

    static func pingRouter() -> HTTP2Router {
        var router = HTTP2Router()
        router.on(.post, pingPath) { request, _ in
            guard request.headers[.contentType] == WireContentType else {
                throw HTTP2ServerError(.unsupportedMediaType, "content-type must be \(WireContentType)")
            }
            let ping: WirePingRequest
            do {
                ping = try WirePingRequest(wireDecoding: request.body)
            } catch {
                throw HTTP2ServerError(.badRequest, "body is not a tailor.wire.v1.PingRequest")
            }
            var pong = WirePingResponse()
            pong.sequence = ping.sequence
            pong.payload = ping.payload
            pong.sentAtUnixNanos = ping.sentAtUnixNanos
            pong.responder = "n1"
            var headers = HTTPFields()
            headers[.contentType] = WireContentType
            return HTTP2Response(status: .ok, headers: headers, body: try pong.wireEncoded())
        }
        return router
    }

    @Test("a PingRequest comes back as a PingResponse with the same sequence and payload")
    func pingPong() async throws {
        try await withServer(Self.pingRouter()) { _, peer in
            try await withClient { client in
                var ping = WirePingRequest()
                ping.sequence = 42
                ping.payload = Data("hello".utf8)
                ping.sender = "gateway-1"
                var headers = HTTPFields()
                headers[.contentType] = WireContentType
                let response = try await client.call(peer, path: Self.pingPath, headers: headers, body: try ping.wireEncoded())
                #expect(response.status == .ok)
                let pong = try WirePingResponse(wireDecoding: response.body)
                #expect(pong.sequence == 42)
                #expect(pong.payload == Data("hello".utf8))
                #expect(pong.responder == "n1")
            }
        }
    }

    @Test("a body that is not the message is answered 400 naming the message type")
    func malformedBody() async throws {
        try await withServer(Self.pingRouter()) { _, peer in
            try await withClient { client in
                var headers = HTTPFields()
                headers[.contentType] = WireContentType
                let response = try await client.call(peer, path: Self.pingPath, headers: headers, body: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF]))
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("tailor.wire.v1.PingRequest"))
            }
        }
    }

    @Test("when the client shuts down, the server releases every connection")
    func connectionsReleased() async throws {
        try await withServer(testRouter()) { server, peer in
            let client = HTTP2Client()
            for _ in 0..<10 { _ = try await client.call(peer, path: "/echo", body: ByteBuffer(string: "x")) }
            #expect(server.connectionCount == 1)
            await client.shutdown()
            try await eventually(timeout: .seconds(5)) {
                if server.connectionCount != 0 { throw TestFailure("\(server.connectionCount) connections still open") }
            }
        }
    }
}
