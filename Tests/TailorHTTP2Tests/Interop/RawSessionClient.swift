import NIOCore
import NIOPosix

@testable import TailorHTTP2

/// What a raw client saw on its connection, in order.
enum RawClientObservation: Sendable, Equatable {
    case response(streamID: Int32, status: String)
    case goAway(lastStreamID: Int32, errorCode: UInt32)
    /// The client's own session failed on what the server sent.
    case sessionError(String)
    /// The test gave up waiting and closed the connection itself.
    case timedOut
    /// The connection closed; always the last observation.
    case closed
}

/// An HTTP/2 client that is a bare nghttp2 session on a socket, for tests that must
/// misbehave in ways ``HTTP2Client`` never would.
enum RawSessionClient {
    /// Writes the frames queued by `script` in one burst (and afterwards whatever the
    /// session must answer, such as SETTINGS acknowledgements). The stream of
    /// observations ends when the connection closes, at the latest `timeout` after
    /// connecting. `script` gets the session and the buffer to drain frames into.
    static func run(
        against peer: HTTP2Peer,
        timeout: TimeAmount = .seconds(10),
        script: @escaping @Sendable (NGHTTP2Session, inout ByteBuffer) throws -> Void
    ) async throws -> AsyncStream<RawClientObservation> {
        let (observations, sink) = AsyncStream<RawClientObservation>.makeStream()
        _ = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        RawSessionClientHandler(script: script, timeout: timeout, observations: sink)
                    )
                }
            }
            .connect(host: peer.host, port: peer.port)
            .get()
        return observations
    }

    static var limits: SessionLimits {
        SessionLimits(
            maxConcurrentStreams: 100,
            maxHeaderListBytes: 16 << 10,
            maxBodyBytes: 1 << 20,
            streamWindowBytes: 1 << 20,
            connectionWindowBytes: 1 << 20
        )
    }
}

private final class RawSessionClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: (NGHTTP2Session, inout ByteBuffer) throws -> Void
    private let timeout: TimeAmount
    private let observations: AsyncStream<RawClientObservation>.Continuation
    private var session: NGHTTP2Session?
    private var timer: Scheduled<Void>?

    init(
        script: @escaping (NGHTTP2Session, inout ByteBuffer) throws -> Void,
        timeout: TimeAmount,
        observations: AsyncStream<RawClientObservation>.Continuation
    ) {
        self.script = script
        self.timeout = timeout
        self.observations = observations
    }

    func channelActive(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.observations.yield(.timedOut)
            context.close(promise: nil)
        }
        do {
            let session = try NGHTTP2Session(role: .client, limits: RawSessionClient.limits)
            self.session = session
            var burst = context.channel.allocator.buffer(capacity: 64 << 10)
            try session.drainOutput(into: &burst, upTo: .max)
            try script(session, &burst)
            try session.drainOutput(into: &burst, upTo: .max)
            context.writeAndFlush(wrapOutboundOut(burst), promise: nil)
        } catch {
            observations.yield(.sessionError("\(error)"))
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        do {
            for event in try session.receive(unwrapInboundIn(data)) {
                switch event {
                case .goAway(let lastStreamID, let errorCode):
                    observations.yield(.goAway(lastStreamID: lastStreamID, errorCode: errorCode))
                case .message(let streamID, let message):
                    observations.yield(.response(streamID: streamID, status: String(decoding: message.head.status ?? [], as: UTF8.self)))
                default:
                    break
                }
            }
            var output = context.channel.allocator.buffer(capacity: 1024)
            try session.drainOutput(into: &output, upTo: .max)
            if output.readableBytes > 0 { context.writeAndFlush(wrapOutboundOut(output), promise: nil) }
        } catch {
            observations.yield(.sessionError("\(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        session = nil
        observations.yield(.closed)
        observations.finish()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
