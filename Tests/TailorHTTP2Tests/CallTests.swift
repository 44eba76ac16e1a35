import HTTPTypes
import NIOCore
import Testing

@testable import TailorHTTP2

@Suite("Calls over real sockets")
struct CallTests {
    @Test("one call returns the status, headers and body")
    func oneCall() async throws {
        try await withServer(testRouter()) { _, peer in
            try await withClient { client in
                var headers = HTTPFields()
                headers[HTTPField.Name("x-echo")!] = "hello"
                let response = try await client.call(peer, path: "/echo", headers: headers, body: ByteBuffer(string: "ping"))
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("x-echo")!] == "hello")
                #expect(String(buffer: response.body) == "ping")
            }
        }
    }

    @Test("1,000 concurrent calls share one connection and each gets its own answer")
    func thousandConcurrentCalls() async throws {
        var configuration = HTTP2ClientConfiguration.defaults
        configuration.connectionsPerPeer = 1
        try await withServer(testRouter()) { _, peer in
            try await withClient(configuration) { client in
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<1000 {
                        group.addTask {
                            let response = try await client.call(peer, path: "/echo", body: ByteBuffer(string: "call \(index)"))
                            return String(buffer: response.body) == "call \(index)"
                        }
                    }
                    var matched = 0
                    for try await ok in group where ok { matched += 1 }
                    #expect(matched == 1000)
                }
            }
        }
    }

    @Test("bodies from 0 bytes to 4 MiB go both ways intact", arguments: [0, 1, 16_384, 65_535, 1 << 20, 4 << 20])
    func bodySizes(size: Int) async throws {
        try await withServer(testRouter()) { _, peer in
            try await withClient { client in
                let body = payload(size, seed: UInt8(size % 251))
                let response = try await client.call(peer, path: "/echo", body: body, timeout: .seconds(30))
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == size)
                #expect(response.body == body)
            }
        }
    }

    @Test("4 MiB each way through 16 KiB stream windows: flow control paces both sides")
    func smallWindows() async throws {
        var server = HTTP2ServerConfiguration()
        server.streamWindowBytes = 16_384
        server.connectionWindowBytes = 65_535
        var client = HTTP2ClientConfiguration.defaults
        client.streamWindowBytes = 16_384
        client.connectionWindowBytes = 65_535
        try await withServer(testRouter(), configuration: server) { _, peer in
            try await withClient(client) { client in
                let bodies = (0..<4).map { payload(1 << 20, seed: UInt8($0)) }
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for body in bodies {
                        group.addTask { try await client.call(peer, path: "/echo", body: body, timeout: .seconds(30)).body == body }
                    }
                    for try await intact in group { #expect(intact) }
                }
            }
        }
    }

    @Test("the deadline travels to the server in tailor-timeout-ms")
    func deadlineHeader() async throws {
        try await withServer(testRouter()) { _, peer in
            try await withClient { client in
                let response = try await client.call(peer, method: .get, path: "/deadline", timeout: .seconds(3))
                let remaining = Int(String(buffer: response.body)) ?? -1
                #expect(remaining > 1000 && remaining <= 3000)
            }
        }
    }

    @Test("unknown paths answer 404, wrong methods 405, with a JSON error body")
    func routing() async throws {
        try await withServer(testRouter()) { _, peer in
            try await withClient { client in
                let missing = try await client.call(peer, path: "/nope")
                #expect(missing.status == .notFound)
                #expect(String(buffer: missing.body).contains("no route for /nope"))
                let wrongMethod = try await client.call(peer, method: .get, path: "/echo")
                #expect(wrongMethod.status == .methodNotAllowed)
            }
        }
    }

    @Test("a request body over the server's limit is answered 413")
    func requestTooLarge() async throws {
        var configuration = HTTP2ServerConfiguration()
        configuration.maxRequestBodyBytes = 64 << 10
        try await withServer(testRouter(), configuration: configuration) { _, peer in
            try await withClient { client in
                let response = try await client.call(peer, path: "/echo", body: payload(100_000))
                #expect(response.status == .contentTooLarge)
                // The connection stays usable.
                let small = try await client.call(peer, path: "/echo", body: ByteBuffer(string: "ok"))
                #expect(String(buffer: small.body) == "ok")
            }
        }
    }

    @Test("a header list over the server's limit is answered 431")
    func headersTooLarge() async throws {
        var configuration = HTTP2ServerConfiguration()
        configuration.maxHeaderListBytes = 1024
        try await withServer(testRouter(), configuration: configuration) { _, peer in
            try await withClient { client in
                var headers = HTTPFields()
                headers[HTTPField.Name("x-big")!] = String(repeating: "a", count: 2000)
                let response = try await client.call(peer, path: "/echo", headers: headers)
                #expect(response.status == .requestHeaderFieldsTooLarge)
            }
        }
    }

    @Test("a response over the client's limit fails with responseTooLarge")
    func responseTooLarge() async throws {
        var configuration = HTTP2ClientConfiguration.defaults
        configuration.maxResponseBodyBytes = 10_000
        try await withServer(testRouter()) { _, peer in
            try await withClient(configuration) { client in
                let error = await #expect(throws: HTTP2CallError.self) {
                    try await client.call(peer, path: "/echo", body: payload(50_000))
                }
                #expect(error?.code == .responseTooLarge)
            }
        }
    }

    @Test("a path without a leading slash is refused before anything is sent")
    func invalidPath() async throws {
        try await withClient { client in
            let error = await #expect(throws: HTTP2CallError.self) {
                try await client.call(HTTP2Peer(host: "127.0.0.1", port: 1), path: "echo")
            }
            #expect(error?.code == .invalidRequest)
        }
    }
}
