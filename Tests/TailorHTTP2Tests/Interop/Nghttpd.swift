import Foundation
import TailorHTTP2
import TailorTesting

/// Runs nghttpd (TailorTesting's ``Nghttpd``) serving `directory` for the duration of
/// `body`, handing it the server's address.
func withNghttpd<R: Sendable>(serving directory: URL, _ body: (HTTP2Peer) async throws -> R) async throws -> R {
    try await TailorTesting.withNghttpd(serving: directory) { port in try await body(HTTP2Peer(host: "127.0.0.1", port: port)) }
}
