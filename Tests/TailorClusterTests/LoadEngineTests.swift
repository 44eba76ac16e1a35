import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing
@testable import TailorClient
@testable import TailorLab

/// `tailor-lab load` cuts answers out of the bytes it reads (``HTTP1ResponseParser``).
@Suite("tailor-lab load's HTTP/1.1 answers")
struct HTTP1ResponseParserTests {
    private func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("answers split anywhere across reads, and two in one read, come out whole and in order")
    func splitAndPipelined() throws {
        let first = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 13\r\n\r\n{\"a\":\"hello\"}"
        let second = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
        let all = Array((first + second).utf8)
        for cut in stride(from: 1, to: all.count, by: 7) {
            var parser = HTTP1ResponseParser()
            var answers = try parser.feed(ByteBuffer(bytes: all[..<cut]))
            answers += try parser.feed(ByteBuffer(bytes: all[cut...]))
            #expect(answers.map(\.status) == [200, 503], "cut at \(cut)")
            #expect(answers.map(\.keepAlive) == [true, false])
            #expect(answers.first.map { String(buffer: $0.body) } == #"{"a":"hello"}"#)
            #expect(!parser.isMidResponse)
        }
    }

    @Test("a chunked answer is put together, extensions and trailers skipped")
    func chunked() throws {
        var parser = HTTP1ResponseParser()
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let answers = try parser.feed(bytes(text))
        #expect(answers.count == 1)
        #expect(answers.first.map { String(buffer: $0.body) } == "hello world")
        // Byte by byte too.
        var slow = HTTP1ResponseParser()
        var pieces: [HTTP1ResponseParser.Response] = []
        for byte in text.utf8 { pieces += try slow.feed(ByteBuffer(bytes: [byte])) }
        #expect(pieces.map { String(buffer: $0.body) } == ["hello world"])
    }

    @Test("the byte search finds a needle anywhere, and no partial match at the end")
    func byteSearch() {
        func find(_ needle: String, _ haystack: String) -> Int? {
            Array(haystack.utf8).withUnsafeBytes { hay in Array(needle.utf8).withUnsafeBytes { ByteSearch.firstIndex(of: $0, in: hay) } }
        }
        #expect(find("\r\n\r\n", "ab\r\n\r\n") == 2)
        #expect(find("\r\n\r\n", "\r\n\r\r\n\r\n") == 3)
        #expect(find("\r\n\r\n", "ab\r\n\r") == nil)
        #expect(find("ab", "a") == nil)
        #expect(find("x", "") == nil)
        #expect(find("degraded", "{\"degraded\":true}") == 2)
    }

    @Test("what is not an HTTP/1.x answer is refused, saying why")
    func malformed() {
        var parser = HTTP1ResponseParser()
        #expect(throws: HTTP1ResponseParser.Malformed.self) { try parser.feed(ByteBuffer(string: "SSH-2.0-OpenSSH\r\n\r\n")) }
        var noLength = HTTP1ResponseParser()
        #expect(throws: HTTP1ResponseParser.Malformed(reason: "an answer with neither Content-Length nor chunked encoding")) {
            try noLength.feed(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n"))
        }
        var noContent = HTTP1ResponseParser()
        #expect((try? noContent.feed(ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n")))?.map(\.status) == [204])
    }
}

/// The engine on real sockets against a small HTTP/1.1 server in the test process.
@Suite("tailor-lab load's engine")
struct LoadEngineTests {
    /// Answers every request with a recommendation-shaped JSON body; every `closeEvery`-th
    /// answer says `Connection: close` and closes. Counts the requests it answered.
    final class Server: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let answered: Answered
        let closeEvery: Int

        final class Answered: Sendable {
            let count = Mutex(0)
        }

        init(answered: Answered, closeEvery: Int) {
            self.answered = answered
            self.closeEvery = closeEvery
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let count = answered.count.withLock { count in
                count += 1
                return count
            }
            let close = count % closeEvery == 0
            let body = ByteBuffer(string: #"{"coverage":{"answered":32,"degraded":\#(count % 5 == 0),"partitions":32},"items":[]}"#)
            var headers = HTTPHeaders([("Content-Length", "\(body.readableBytes)"), ("Content-Type", "application/json")])
            if close { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if close { done.whenComplete { _ in context.close(promise: nil) } }
        }
    }

    @Test("an open-loop run answers every request offered, across connections the server closes, and counts degraded answers")
    func runAgainstServer() async throws {
        let answered = Server.Answered()
        let group = MultiThreadedEventLoopGroup.singleton
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Server(answered: answered, closeEvery: 7))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        var settings = LoadRun.Settings(target: GatewayAddress(host: "127.0.0.1", port: port))
        settings.connections = 4
        // Room for every request of the run: a stall of this busy machine must not turn
        // into drops (what is checked here is that each request is answered and counted).
        settings.queuedPerConnection = 200
        settings.warmup = Duration.milliseconds(200)
        settings.duration = Duration.seconds(1)
        let result = await LoadRun(settings: settings, group: group).run(
            rate: 400, mix: LoadMix.Configuration(shoppers: 100, products: 100, eventsShare: 0, seed: 1, eventIDPrefix: "t", eventsPerBatch: 1)
        )
        try await channel.close()
        let tally = result.tally.recommendations
        // 1.2 s at 400/s: 480 requests, 400 of them measured; every one answered.
        #expect(answered.count.withLock { $0 } == 480)
        #expect(tally.offered == 400)
        #expect(tally.succeeded == 400)
        #expect(tally.errorCount == 0 && tally.dropped == 0, "errors \(tally.errors), dropped \(tally.dropped)")
        // The server marks every 5th of all 480 answers degraded: about 80 of the measured.
        #expect((70...90).contains(tally.degraded))
    }

    @Test("a server that is not there: requests fail with 'connect', none is lost from the count")
    func nobodyListening() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        // A port just bound and released: nothing listens there.
        let probe = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close()
        var settings = LoadRun.Settings(target: GatewayAddress(host: "127.0.0.1", port: port))
        settings.connections = 2
        settings.warmup = Duration.zero
        settings.duration = Duration.milliseconds(500)
        let result = await LoadRun(settings: settings, group: group).run(
            rate: 100, mix: LoadMix.Configuration(shoppers: 10, products: 10, eventsShare: 0, seed: 1, eventIDPrefix: "t", eventsPerBatch: 1)
        )
        let tally = result.tally.recommendations
        #expect(tally.offered == 50)
        #expect(tally.succeeded == 0)
        #expect(tally.errorCount + tally.dropped == 50, "errors \(tally.errors), dropped \(tally.dropped)")
        #expect((tally.errors["connect"] ?? 0) > 0)
    }
}
