import Foundation
import TailorWire

/// `DELETE /v1/users/{id}`: what the erasure did.
struct ShopperErasure: Encodable, Sendable {
    var shopper: String
    /// The erasure's time: events of the shopper at or before it are gone for good.
    var erasedAt: Date
    /// Events removed, on the replica that removed most.
    var eventsRemoved: Int
    /// Replicas that stored the erasure (at least the write quorum).
    var replicas: Int
    /// Anonymous shoppers merged into this one, erased with it.
    var linkedShoppers = 0

    /// The JSON spells the shopper `user`.
    enum CodingKeys: String, CodingKey {
        case shopper = "user", erasedAt, eventsRemoved, replicas, linkedShoppers
    }
}

/// `GET /v1/users/{id}/export`: everything the cluster holds about a shopper.
struct ShopperExport: Encodable, Sendable {
    struct Event: Encodable, Sendable {
        var id: String
        var type: String
        var session: String
        var products: [String]
        var quantity: Int
        var query: String
        var at: Date
        /// The recommendation the event came from, if any.
        var recommendationId: String?
        /// A purchase's unit price as the shop sent it.
        var price: Double?
    }

    var shopper: String
    var events: [Event]
    /// Events recorded for the shopper since their profile began (kept or not).
    var eventCount: Int
    var purchased: [String]
    /// When the shopper was erased, if they were.
    var erasedAt: Date?
    /// Anonymous shoppers whose history was merged into this one (erased with it).
    var linkedAnonymousIds: [String]
    /// The replica that answered, the shopper's partition and all its replicas.
    var replica: String
    var partition: Int
    var replicas: [String]

    /// The JSON spells the shopper `user`.
    enum CodingKeys: String, CodingKey {
        case shopper = "user", events, eventCount, purchased, erasedAt, linkedAnonymousIds, replica, partition, replicas
    }

    init(shopper: String, replica: String, partition: Int, replicas: [String], response: WireExportResponse) {
        self.shopper = shopper
        self.replica = replica
        self.partition = partition
        self.replicas = replicas
        events = response.events.map { event in
            Event(
                id: event.id, type: event.type, session: event.session, products: event.products.map(\.id),
                quantity: Int(event.quantity), query: event.query, at: Date(timeIntervalSince1970: Double(event.atMillis) / 1000),
                recommendationId: event.recommendationID.isEmpty ? nil : event.recommendationID, price: event.hasUnitPrice ? event.unitPrice : nil
            )
        }
        eventCount = Int(response.eventCount)
        purchased = response.purchased
        linkedAnonymousIds = response.linked
        erasedAt = response.hasErasedAtMillis ? Date(timeIntervalSince1970: Double(response.erasedAtMillis) / 1000) : nil
    }
}
