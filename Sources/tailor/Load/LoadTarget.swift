import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The server under load: `http://host[:port]`. Plain HTTP/1.1 only.
struct LoadTarget: Sendable, Hashable, CustomStringConvertible {
    let host: String
    let port: Int

    init?(_ text: String) {
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
            let host = components.host, !host.isEmpty, components.path.isEmpty || components.path == "/",
            components.query == nil
        else { return nil }
        self.host = host
        self.port = components.port ?? 80
    }

    var description: String { "http://\(host):\(port)" }

    /// The Host header: the port only when it is not the default.
    var authority: String { port == 80 ? host : "\(host):\(port)" }

    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    /// A new keep-alive connection with NIO's HTTP/1.1 client handlers.
    func connect(on group: any EventLoopGroup, timeout: Duration) async throws -> Connection {
        try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.milliseconds(LoadDuration.microseconds(timeout) / 1_000))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }
}
