import NIOCore
import NIOPosix

/// A plain TCP server that misbehaves on purpose, for failure tests.
final class RawTCPServer: Sendable {
    enum Behaviour: Sendable {
        /// Accepts and reads, never writes: a peer that stopped answering.
        case silent
        /// Closes the connection as soon as the first bytes arrive: a crash mid-call.
        case closeOnFirstRead
    }

    let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    init(_ behaviour: Behaviour) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MisbehavingHandler(behaviour))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    func close() async {
        try? await channel.close()
    }

    /// Starts closing without waiting, for `defer`.
    func closeNow() {
        channel.close(promise: nil)
    }
}

private final class MisbehavingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let behaviour: RawTCPServer.Behaviour

    init(_ behaviour: RawTCPServer.Behaviour) { self.behaviour = behaviour }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .closeOnFirstRead = behaviour { context.close(promise: nil) }
    }
}
