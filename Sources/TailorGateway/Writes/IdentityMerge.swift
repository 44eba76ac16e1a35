import Synchronization
import TailorCRDT
import TailorModel
import TailorTrust

/// An anonymous shopper's history merged into a known shopper's (the shopper logs in or
/// buys in the same session): what is copied, and under which ids.
///
/// The copy is made of ordinary events of the known shopper, so it replicates, is
/// exported and erased exactly like the events the shop sent. Each copied event's id is
/// derived from the two shoppers and the original id, the same on every gateway and at
/// every try: merging again stores nothing new (events are a grow-only set by id).
enum IdentityMerge {
    /// The id of the anonymous shopper's event `original` as merged into `shopper`
    /// (71 bytes, within the 128 of an id).
    static func mergedEventID(of original: String, anonymous: String, into shopper: String) -> String {
        "merged-" + TextDigest.sha256Hex([anonymous, shopper, original])
    }

    /// The anonymous shopper's events as the known shopper's: same type, products,
    /// session and time, a derived id. Impressions are left out and recommendation ids
    /// dropped: the outcome loop counted them once, under the anonymous shopper, and a
    /// copy must not count them again. Oldest first, each id once.
    static func events(_ events: [StoredEvent], of anonymous: String, into shopper: String) -> [StoredEvent] {
        var seen = Set<String>()
        return events.sorted { ($0.atMillis, $0.id) < ($1.atMillis, $1.id) }.compactMap { event in
            guard event.type != .impression, event.shopper == anonymous, seen.insert(event.id).inserted else { return nil }
            var copy = event
            copy.id = mergedEventID(of: event.id, anonymous: anonymous, into: shopper)
            copy.shopper = shopper
            copy.recommendationID = ""
            return copy
        }
    }
}

/// `POST /v1/users/{id}/aliases` (and the merges of integrations): what the merge did.
struct IdentityMergeResult: Encodable, Sendable, Equatable {
    /// The known shopper, who now holds the history.
    var shopper: String
    var anonymousId: String
    /// Events of the anonymous shopper copied into the known shopper's history now.
    var merged: Int
    /// Events copied by an earlier merge of the same pair (a repeat changes nothing).
    var duplicates: Int

    enum CodingKeys: String, CodingKey {
        case shopper = "user", anonymousId, merged, duplicates
    }
}

/// The (anonymous, known) pairs this gateway merged recently, so that events carrying
/// both ids merge once rather than on every event. Bounded: a pair forgotten is merged
/// again, which copies nothing new.
final class RecentMerges: Sendable {
    static let capacity = 10_000

    private let pairs = Mutex(RecentKeys<String>(capacity: capacity))

    func contains(anonymous: String, shopper: String) -> Bool {
        pairs.withLock { $0.contains(Self.key(anonymous, shopper)) }
    }

    func remember(anonymous: String, shopper: String) {
        _ = pairs.withLock { $0.insert(Self.key(anonymous, shopper)) }
    }

    private static func key(_ anonymous: String, _ shopper: String) -> String {
        "\(anonymous.utf8.count):\(anonymous)\(shopper)"
    }
}
