/// A shopper's answer to the storefront's consent banner, as an event or a
/// recommendation request carries it (`"personalization": "granted" | "denied"`).
package enum Personalization: String, Codable, Sendable, CaseIterable {
    /// Tailor may keep the shopper's events and build their profile.
    case granted
    /// Tailor keeps nothing against the shopper: their events only count in the
    /// anonymous popularity counters, their answers are not personalised.
    case denied

    /// Checks an optional `personalization` value of a request; `field` is its path.
    package static func check(_ value: String?, _ field: String) throws(ValidationError) {
        guard let value, Personalization(rawValue: value) == nil else { return }
        throw ValidationError(field: field, problem: "must be one of " + allCases.map(\.rawValue).joined(separator: ", "))
    }
}

/// What the gateway takes a request without `personalization` to mean (`--consent`).
package enum ConsentPolicy: String, Sendable, CaseIterable {
    /// A missing field means granted (the shop asks for consent elsewhere, or needs none).
    case assumed
    /// A missing field means denied: only requests that say `granted` are personalised.
    case required

    /// The consent that applies to a request that carried `given` (a valid spelling or nil).
    package func resolve(_ given: String?) -> Personalization {
        if let given, let stated = Personalization(rawValue: given) { return stated }
        return self == .assumed ? .granted : .denied
    }
}

/// What a batch of events may store, under the gateway's ``ConsentPolicy``.
package struct BatchConsent: Sendable, Equatable {
    /// Per event, in the batch's order: true when it is stored against its shopper,
    /// false when it only counts in the anonymous popularity counters.
    package var stored: [Bool]
    /// The shoppers with an event in the batch that says `denied`, sorted: each is
    /// erased (as `DELETE /v1/users/{id}` does) before the batch is answered.
    package var withdrawn: [String]

    package init(stored: [Bool], withdrawn: [String]) {
        self.stored = stored
        self.withdrawn = withdrawn
    }
}

extension EventBatch {
    /// Which events are stored: those whose consent (stated, or the policy's default)
    /// is granted, except every event of a shopper who says `denied` anywhere in the
    /// batch: a withdrawal in a batch covers the whole batch, whatever the order of
    /// its events. A missing field under `required` stores nothing but erases nothing:
    /// only an explicit `denied` withdraws consent.
    package func consent(under policy: ConsentPolicy) -> BatchConsent {
        let withdrawn = Set(events.lazy.filter { $0.personalization == Personalization.denied.rawValue }.map(\.shopper))
        let stored = events.map { event in
            policy.resolve(event.personalization) == .granted && !withdrawn.contains(event.shopper)
        }
        return BatchConsent(stored: stored, withdrawn: withdrawn.sorted())
    }
}
