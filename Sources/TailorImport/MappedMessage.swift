import TailorModel

/// What one message of an analytics source (Segment, RudderStack, GA4) becomes.
///
/// One message may become several: an order becomes one purchase per line, and a
/// track call naming both a known and an anonymous shopper becomes the event (for the
/// known one) and the link between the two.
package enum MappedMessage: Sendable, Hashable {
    /// Something the shopper did, with an id derived from the message so that a replay
    /// of the same message is a no-op.
    case event(ShopperEvent)
    /// An anonymous shopper turned out to be a known one.
    case link(IdentityLink)
    /// A well-formed message Tailor has no use for (a page call, an event it does not
    /// know): counted, never an error.
    case ignored(reason: String)
}

/// "The anonymous visitor `anonymousId` is the known shopper `userId`": what an
/// identify or alias call says, and what an event carrying both ids implies.
package struct IdentityLink: Sendable, Hashable, Codable {
    package var anonymousId: String
    package var userId: String

    package init(anonymousId: String, userId: String) {
        self.anonymousId = anonymousId
        self.userId = userId
    }
}

extension MappedMessage {
    /// The event, when this is one.
    package var event: ShopperEvent? {
        if case .event(let event) = self { return event }
        return nil
    }

    /// The identity link, when this is one.
    package var link: IdentityLink? {
        if case .link(let link) = self { return link }
        return nil
    }

    /// An event marked with the anonymous id its shopper browsed under
    /// (`ShopperEvent.anonymousId`); anything else unchanged.
    func naming(anonymousId: String) -> MappedMessage {
        guard case .event(var event) = self else { return self }
        event.anonymousId = anonymousId
        return .event(event)
    }

    /// The reason, when the message was ignored.
    package var ignoredReason: String? {
        if case .ignored(let reason) = self { return reason }
        return nil
    }
}
