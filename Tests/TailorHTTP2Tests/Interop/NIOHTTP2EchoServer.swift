import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

@testable import TailorHTTP2

/// Runs a cleartext HTTP/2 server built on swift-nio-http2 (an implementation that
/// shares no code with nghttp2) for the duration of `body`. It answers every request
/// with 200 and the request's body.
func withNIOHTTP2EchoServer<R: Sendable>(_ body: (HTTP2Peer) async throws -> R) async throws -> R {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.configureHTTP2Pipeline(mode: .server) { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(EchoStreamHandler())
                }
            }
            .map { _ in }
        }
        .bind(host: "127.0.0.1", port: 0)
        .get()
    guard let port = server.localAddress?.port else { throw TestFailure("the swift-nio-http2 server has no port") }
    do {
        let result = try await body(HTTP2Peer(host: "127.0.0.1", port: port))
        try? await server.close()
        return result
    } catch {
        try? await server.close()
        throw error
    }
}

/// One stream: collects the request body, then answers with it.
private final class EchoStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var body = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            if headers.endStream { respond(context: context) }
        case .data(let data):
            if case .byteBuffer(var bytes) = data.data { body.writeBuffer(&bytes) }
            if data.endStream { respond(context: context) }
        default:
            break
        }
    }

    private func respond(context: ChannelHandlerContext) {
        let headers = HPACKHeaders([(":status", "200"), ("content-length", String(body.readableBytes))])
        context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
    }
}
