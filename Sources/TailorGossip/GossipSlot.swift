public import TailorHTTP2
import Foundation
import HTTPTypes
import NIOCore
import Synchronization

/// Where a member's ``GossipService`` lives once it exists: the internal router is
/// built before the listener binds, and the service needs the bound address first.
/// Gossip that arrives before then is refused with 503 (the sender's SWIM retries).
public final class GossipSlot: Sendable {
    private let service = Mutex<GossipService?>(nil)
    private let name: String

    public init(member name: String) {
        self.name = name
    }

    public func set(_ gossip: GossipService) {
        service.withLock { $0 = gossip }
    }

    public var current: GossipService? { service.withLock { $0 } }

    /// `POST /internal/gossip` and `GET /internal/membership` on `router`.
    public func register(on router: inout HTTP2Router) {
        router.on(.post, "/internal/gossip") { [self] request, _ in
            guard let gossip = current else { throw HTTP2ServerError(.serviceUnavailable, "gossip not started yet") }
            try gossip.receive(request.body)
            return HTTP2Response(status: .noContent)
        }
        // The body names products, one per line; the answer is their counters here, as JSON.
        router.on(.post, "/internal/counters/read") { [self] request, _ in
            guard let gossip = current else { throw HTTP2ServerError(.serviceUnavailable, "gossip not started yet") }
            let products = String(buffer: request.body).split(separator: "\n").prefix(1_000).map(String.init)
            let counters = gossip.counters(of: products).map { CounterReading(product: $0.product, popularity: $0.popularity, trend: $0.trend) }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            let body = (try? JSONEncoder().encode(counters)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
            return HTTP2Response(status: .ok, headers: headers, body: ByteBuffer(string: body))
        }
        router.on(.get, "/internal/membership") { [self] _, _ in
            guard let gossip = current else { throw HTTP2ServerError(.serviceUnavailable, "gossip not started yet") }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return HTTP2Response(status: .ok, headers: headers, body: ByteBuffer(string: GossipReport(gossip.snapshot, member: name).json()))
        }
    }
}

/// One product's counters as a member reads them now (`POST /internal/counters/read`).
public struct CounterReading: Codable, Sendable, Equatable {
    public var product: String
    public var popularity: Double
    public var trend: Double
}
