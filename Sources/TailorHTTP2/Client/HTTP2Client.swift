public import HTTPTypes
public import Logging
public import NIOCore
import NIOPosix
import Synchronization

/// Calls other cluster members over HTTP/2 (h2c with prior knowledge), on libnghttp2.
///
/// Keeps a small pool of long-lived connections per peer; concurrent calls share
/// them as streams, and calls beyond the peer's stream limit wait in a bounded
/// queue. Thread-safe; share one client per process.
///
/// ```swift
/// let client = HTTP2Client()
/// let response = try await client.call(peer, path: "/ping", body: body, timeout: .milliseconds(200))
/// ```
public final class HTTP2Client: Sendable {
    public let configuration: HTTP2ClientConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let pools = Mutex<[HTTP2Peer: PeerPool]>([:])
    private let inProcess: InProcessServers?

    /// - Parameter inProcess: servers in this process: calls to their peers are run
    ///   through their routers without a connection.
    public init(
        configuration: HTTP2ClientConfiguration = .defaults,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tailor.http2.client"),
        inProcess: InProcessServers? = nil
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        self.inProcess = inProcess
    }

    /// Sends one request and waits for the whole response.
    ///
    /// - Parameter timeout: the call's deadline, also sent to the peer in
    ///   `tailor-timeout-ms` so that it stops working when the caller stops waiting.
    /// - Throws: ``HTTP2CallError``. When the deadline passes or the task is
    ///   cancelled the stream is reset with RST_STREAM(CANCEL).
    public func call(
        _ peer: HTTP2Peer,
        method: HTTPRequest.Method = .post,
        path: String,
        headers: HTTPFields = [:],
        body: ByteBuffer = ByteBuffer(),
        timeout: Duration? = nil
    ) async throws -> HTTP2Response {
        guard path.first == "/" else {
            throw HTTP2CallError(.invalidRequest, "path must start with '/'", peer: peer.description, retryable: false)
        }
        if let router = inProcess?.router(for: peer) {
            return try await InProcessServers.call(
                router, peer: peer, request: HTTP2ServerRequest(method: method, path: path, headers: headers, body: body),
                timeout: timeout ?? configuration.defaultTimeout
            )
        }
        return try await pool(for: peer).call(
            method: method,
            path: path,
            headers: headers,
            body: body,
            timeout: timeout ?? configuration.defaultTimeout
        )
    }

    /// Fails waiting calls and closes every connection; in-flight calls fail with `connectionClosed`.
    public func shutdown() async {
        let all = pools.withLock { pools in
            defer { pools.removeAll() }
            return Array(pools.values)
        }
        for pool in all { await pool.shutdown() }
    }

    private func pool(for peer: HTTP2Peer) -> PeerPool {
        pools.withLock { pools in
            if let pool = pools[peer] { return pool }
            let pool = PeerPool(peer: peer, configuration: configuration, group: group, logger: logger)
            pools[peer] = pool
            return pool
        }
    }
}
