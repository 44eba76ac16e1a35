import TailorHTTP2
import Foundation
import HTTPTypes
import Synchronization
import TailorRPC
import TailorWire

/// Where a member's ``GossipService`` lives once it exists: the internal router is
/// built before the listener binds, and the service needs the bound address first.
/// Gossip that arrives before then is refused with 503 (the sender's SWIM retries).
package final class GossipServiceHolder: Sendable {
    private let service = Mutex<GossipService?>(nil)
    private let name: String

    package init(member name: String) {
        self.name = name
    }

    package func set(_ gossip: GossipService) {
        service.withLock { $0 = gossip }
    }

    package var current: GossipService? { service.withLock { $0 } }

    /// ``WireMethods/gossip``, ``WireMethods/readCounters`` and ``WireMethods/membership`` on `router`.
    package func register(on router: inout HTTP2Router) {
        router.register(WireMethods.gossip) { [self] body in
            guard let gossip = current else { throw HTTP2ServerError(.serviceUnavailable, "gossip not started yet") }
            try gossip.receive(body)
            return WireEmpty()
        }
        // The body names products, one per line; the answer is their counters here, as JSON.
        router.register(WireMethods.readCounters) { [self] request in
            guard let gossip = current else { throw HTTP2ServerError(.serviceUnavailable, "gossip not started yet") }
            let products = request.text.split(separator: "\n").prefix(1_000).map(String.init)
            let counters = gossip.counters(of: products).map { CounterReading(product: $0.product, popularity: $0.popularity, trend: $0.trend) }
            return WireJSONText((try? JSONEncoder().encode(counters)).map { String(decoding: $0, as: UTF8.self) } ?? "[]")
        }
        router.register(WireMethods.membership) { [self] _ in
            guard let gossip = current else { throw HTTP2ServerError(.serviceUnavailable, "gossip not started yet") }
            return WireJSONText(GossipReport(gossip.snapshot, member: name).json())
        }
    }
}

/// One product's counters as a member reads them now (``WireMethods/readCounters``).
package struct CounterReading: Codable, Sendable, Equatable {
    package var product: String
    package var popularity: Double
    package var trend: Double
}
