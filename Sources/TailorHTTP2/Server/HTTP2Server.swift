public import Logging
public import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Serves cluster-internal HTTP/2 (h2c with prior knowledge) on libnghttp2.
///
/// A `Service`: `run()` binds, serves, and on graceful shutdown sends GOAWAY,
/// lets in-flight streams finish, then returns. Cancelling `run()` closes
/// everything at once. Handlers run as child tasks of `run()`, each on its
/// connection's event loop.
public final class HTTP2Server: Service, Sendable {
    public let configuration: HTTP2ServerConfiguration
    private let router: HTTP2Router
    private let group: any EventLoopGroup
    private let logger: Logger
    private let onListening: @Sendable (SocketAddress) -> Void

    private struct State {
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: NIOLoopBound<ServerConnectionHandler>] = [:]
        var shuttingDown = false
    }

    private let state = Mutex(State())

    /// An accepted connection: where its requests arrive and which loop runs them.
    private struct Accepted: Sendable {
        var requests: AsyncStream<[ServerStreamWork]>
        var executor: EventLoopTaskExecutor
    }

    public init(
        configuration: HTTP2ServerConfiguration = .defaults,
        router: HTTP2Router,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tailor.http2.server"),
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.router = router
        self.group = eventLoopGroup
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let (accepted, acceptedSink) = AsyncStream<Accepted>.makeStream()
        let listener = try await bind(acceptedSink)
        let stopped = state.withLock { state in
            state.listener = listener
            return state.shuttingDown
        }
        listener.closeFuture.whenComplete { _ in acceptedSink.finish() }
        if stopped { listener.close(promise: nil) }
        if let address = listener.localAddress {
            logger.info("internal HTTP/2 server listening", metadata: ["address": "\(address)"])
            onListening(address)
        }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await serve(accepted)
            } onGracefulShutdown: {
                self.beginGracefulShutdown()
            }
        } onCancel: {
            self.stop(.immediate)
        }
        // Return only once the port is released, so a restart can bind it again.
        try? await listener.closeFuture.get()
    }

    /// Stops accepting, sends GOAWAY on every connection, and lets in-flight streams
    /// finish (for at most `gracefulShutdownTimeout`); `run()` then returns.
    public func beginGracefulShutdown() {
        stop(.graceful)
    }

    /// Open connections; tests use it to see that closed connections are released.
    var connectionCount: Int {
        state.withLock { $0.connections.count }
    }

    /// Test hook: every connection sends GOAWAY naming `lastStreamID` at once.
    func goAwayAll(lastStreamID: Int32) async {
        let connections = state.withLock { Array($0.connections.values) }
        for connection in connections {
            try? await connection.eventLoop.submit { connection.value.goAway(lastStreamID: lastStreamID) }.get()
        }
    }

    // MARK: Serving

    /// Each connection is a child task, each request a grandchild, all on the connection's loop.
    private func serve(_ accepted: AsyncStream<Accepted>) async {
        await withDiscardingTaskGroup { connections in
            for await connection in accepted {
                connections.addTask(executorPreference: connection.executor) {
                    await withDiscardingTaskGroup { streams in
                        for await batch in connection.requests {
                            for work in batch {
                                streams.addTask(executorPreference: connection.executor) { await work.run() }
                            }
                        }
                    }
                }
            }
        }
    }

    private func bind(_ acceptedSink: AsyncStream<Accepted>.Continuation) async throws -> any Channel {
        let configuration = self.configuration
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (requests, requestSink) = AsyncStream<[ServerStreamWork]>.makeStream()
                    let handler = ServerConnectionHandler(
                        router: self.router,
                        configuration: configuration,
                        requests: requestSink,
                        logger: self.logger
                    )
                    try channel.pipeline.syncOperations.addHandler(handler)
                    self.register(handler, on: channel)
                    acceptedSink.yield(Accepted(requests: requests, executor: EventLoopTaskExecutor.shared(for: channel.eventLoop)))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
    }

    private func register(_ handler: ServerConnectionHandler, on channel: any Channel) {
        let id = ObjectIdentifier(handler)
        let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        let shuttingDown = state.withLock { state in
            state.connections[id] = bound
            return state.shuttingDown
        }
        channel.closeFuture.whenComplete { _ in
            _ = self.state.withLock { $0.connections.removeValue(forKey: id) }
        }
        if shuttingDown {
            // Accepted while the listener was closing: drain it like the others once active.
            channel.eventLoop.assumeIsolated().execute { bound.value.beginGracefulShutdown() }
        }
    }

    private enum Stop { case graceful, immediate }

    /// Marks the server as stopping, closes the listener and stops every connection,
    /// gracefully (GOAWAY, streams finish) or at once (cancellation of `run()`).
    private func stop(_ how: Stop) {
        let (listener, connections) = state.withLock { state in
            state.shuttingDown = true
            return (state.listener, Array(state.connections.values))
        }
        listener?.close(promise: nil)
        for connection in connections {
            connection.eventLoop.execute {
                switch how {
                case .graceful: connection.value.beginGracefulShutdown()
                case .immediate: connection.value.close()
                }
            }
        }
    }
}
