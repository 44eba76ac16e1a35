import HTTPTypes
import Hummingbird
import TailorModel

/// The body of `POST /v1/users/{id}/aliases`.
struct AliasRequest: Decodable, Sendable {
    /// The id the shopper browsed under before the shop knew them.
    var anonymousId: String
}

// Anonymous to known: the explicit merge, and the merges announced by events that
// carry both ids.
extension GatewayService {
    /// `POST /v1/users/{id}/aliases` on `shop` (a private key: merging someone else's
    /// anonymous history into an account would show that account their browsing).
    func addIdentityRoutes(to shop: RouterGroup<GatewayRequestContext>, writes: WriteRouter) {
        shop.post("/v1/users/{id}/aliases") { request, context in
            let shopper = try Self.pathID(context)
            let body = try await JSONCoding.decode(AliasRequest.self, from: request)
            try Self.checkAlias(body.anonymousId, of: shopper, field: "anonymousId")
            return try JSONCoding.response(try await writes.merge(anonymous: body.anonymousId, into: shopper))
        }
    }

    static func checkAlias(_ anonymous: String, of shopper: String, field: String) throws {
        do throws(ValidationError) {
            try Check.identifier(shopper, "id")
            try Check.identifier(anonymous, field)
        } catch { throw APIError(error) }
        guard anonymous != shopper else {
            throw APIError(status: .badRequest, field: field, problem: "is the shopper's own id: there is nothing to merge")
        }
    }

    /// Events naming an `anonymousId` need a private key (403 naming the first such
    /// field otherwise): a storefront's page could name any anonymous id.
    static func checkAnnouncedMerges(_ batch: EventBatch, caller: Caller?) throws {
        guard let caller, caller.role < .private else { return }
        if let index = batch.events.firstIndex(where: { $0.anonymousId != nil }) {
            throw APIError(
                status: .forbidden, field: "events[\(index)].anonymousId",
                problem: "merging an anonymous shopper's history into a known one needs a private key; this key is public"
            )
        }
    }

    /// The (anonymous, known) pairs a batch's events announce, for the shoppers whose
    /// events are stored (consent granted, not withdrawn in the batch).
    func announcedMerges(_ batch: EventBatch) -> [(anonymous: String, shopper: String)] {
        guard batch.events.contains(where: { $0.anonymousId != nil }) else { return [] }
        let consent = batch.consent(under: configuration.consent)
        return zip(batch.events, consent.stored).compactMap { event, stored in
            guard stored, let anonymous = event.anonymousId, anonymous != event.shopper else { return nil }
            return (anonymous, event.shopper)
        }
    }
}
