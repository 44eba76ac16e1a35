import SwiftProtobuf
import TailorCRDT
import TailorModel
import TailorWire

/// What a node's records hold, decoded: the node stores and exchanges
/// ``ReplicatedRecord``s, whose bodies are the wire messages of the same data.
package enum RecordContent: Sendable {
    case event(StoredEvent)
    /// `counted`: seed data whose interactions the catalog partition counts itself.
    case contributions([EventContributions], counted: Bool)
    case product(Product)
    case deletion(id: String, version: Int64)
    case stock(StockLevel)
    case erasure(shopper: String, atMillis: Int64)
    /// `anonymous`'s history was merged into `shopper`: nothing in memory reads it; the
    /// gateway reads it back (export) to erase `anonymous` with `shopper`.
    case link(shopper: String, anonymous: String, atMillis: Int64)
}

extension ReplicatedRecord {
    package static func event(_ event: StoredEvent) -> ReplicatedRecord {
        ReplicatedRecord(kind: .event, key: event.id, version: event.atMillis, shopper: event.shopper, body: encode(WireEvent(event)))
    }

    /// Contributions stored as one record under `key` (a routed batch's id; an event id
    /// for seed data).
    package static func contributions(_ contributions: [EventContributions], key: String, seed: Bool = false) -> ReplicatedRecord {
        var body = WireSignalsRequest()
        body.signals = contributions.map(WireEventSignals.init)
        return ReplicatedRecord(
            kind: seed ? .seedContributions : .contributions, key: key, version: contributions.map(\.atMillis).max() ?? 0, body: encode(body)
        )
    }

    package static func product(_ product: Product) -> ReplicatedRecord {
        ReplicatedRecord(kind: .product, key: product.id, version: product.version, body: encode(WireProduct(product)))
    }

    package static func deletion(of id: String, version: Int64) -> ReplicatedRecord {
        ReplicatedRecord(kind: .product, key: id, version: version, body: [])
    }

    package static func stock(_ level: StockLevel) -> ReplicatedRecord {
        ReplicatedRecord(kind: .stock, key: level.product, version: level.version, body: encode(WireStockLevel(level)))
    }

    package static func erasure(of shopper: String, atMillis: Int64) -> ReplicatedRecord {
        ReplicatedRecord(kind: .tombstone, key: shopper, version: atMillis, body: [])
    }

    /// A link from an anonymous shopper, filed with the known one. Keyed by both ids
    /// (length-prefixed, so no two pairs share a key): linking again only moves its time.
    package static func link(of anonymous: String, into shopper: String, atMillis: Int64) -> ReplicatedRecord {
        var body = WireShopperLink()
        body.user = shopper
        body.anonymous = anonymous
        body.atMillis = atMillis
        return ReplicatedRecord(
            kind: .link, key: "\(anonymous.utf8.count):\(anonymous)\(shopper)", version: atMillis, shopper: shopper, body: encode(body)
        )
    }

    /// The body decoded by kind; throws for a body that is not its kind's message.
    package func content() throws -> RecordContent {
        try Self.content(kind: kind, key: key, version: version, body: body)
    }

    /// A body decoded by kind, from any contiguous bytes (a store's row, without a copy).
    package static func content(
        kind: Kind, key: String, version: Int64, body: some SwiftProtobufContiguousBytes & Collection
    ) throws -> RecordContent {
        switch kind {
        case .event: return .event(try WireEvent(serializedBytes: body).model())
        case .contributions: return .contributions(try WireSignalsRequest(serializedBytes: body).signals.map(\.model), counted: false)
        case .seedContributions: return .contributions(try WireSignalsRequest(serializedBytes: body).signals.map(\.model), counted: true)
        case .product: return body.isEmpty ? .deletion(id: key, version: version) : .product(try WireProduct(serializedBytes: body).model)
        case .stock: return .stock(try WireStockLevel(serializedBytes: body).model)
        case .tombstone: return .erasure(shopper: key, atMillis: version)
        case .link:
            let link = try WireShopperLink(serializedBytes: body)
            return .link(shopper: link.user, anonymous: link.anonymous, atMillis: link.atMillis)
        }
    }

    private static func encode(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        // Encoding a message built from valid values does not fail (no required fields, no Any).
        (try? message.serializedBytes()) ?? []
    }
}

extension EventContributions {
    /// The part of the contribution one catalog partition applies: the interactions
    /// with its products and the pairs that end at them (what a partition stores, so
    /// that every replica of it stores the same record).
    package func restricted(to partition: Int, partitionOf: (String) -> Int) -> EventContributions {
        EventContributions(
            eventID: eventID, atMillis: atMillis,
            interactions: interactions.filter { partitionOf($0.product) == partition },
            pairs: pairs.filter { partitionOf($0.target) == partition }
        )
    }
}
