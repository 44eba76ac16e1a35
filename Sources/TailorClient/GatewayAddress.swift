import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Where a gateway's public API answers: `http://host[:port]`. Plain HTTP/1.1 only (the
/// gateway speaks HTTP/2 only with TLS, which the tools and tests do not use).
package struct GatewayAddress: Sendable, Hashable, CustomStringConvertible {
    package let host: String
    package let port: Int

    /// nil unless `text` is `http://host[:port]` with at most a `/` path and no query.
    package init?(_ text: String) {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
            let host = components.host, !host.isEmpty, components.path.isEmpty || components.path == "/",
            components.query == nil
        else { return nil }
        self.host = host
        self.port = components.port ?? 80
    }

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package var description: String { "http://\(host):\(port)" }

    /// The Host header: the port only when it is not the default.
    package var authority: String { port == 80 ? host : "\(host):\(port)" }

    /// Opens a keep-alive connection with NIO's HTTP/1.1 client handlers, runs `body`
    /// with it, and closes it.
    package func withConnection<Result: Sendable>(
        on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectTimeout: Duration,
        _ body: (inout APIConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(Int64(DurationNanoseconds.of(connectTimeout))))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try APIConnection.Channel(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = APIConnection(
                channel: channel.channel, answers: inbound.makeAsyncIterator(), outbound: outbound, authority: authority
            )
            return try await body(&connection)
        }
    }
}

/// Nanoseconds of a `Duration`, clamped to what NIO's `TimeAmount` holds.
enum DurationNanoseconds {
    static func of(_ duration: Duration) -> Int64 {
        let parts = duration.components
        let (seconds, overflow) = parts.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : seconds &+ parts.attoseconds / 1_000_000_000
    }
}
