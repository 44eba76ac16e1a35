import Foundation
import TailorImport
import TailorModel

/// What the messages of one integration request (`/v1/integrations/…`) become before
/// anything is written: events, identity merges, messages ignored and messages refused.
///
/// A message is taken whole or refused whole: when anything it maps to is invalid
/// (its mapping fails, an event it becomes breaks the API's rules, a link names an
/// invalid id), none of it is kept, and the refusal names the message's field.
struct IntegrationIntake: Sendable {
    /// A message refused: its position in the batch (nil for a single message), the
    /// path of the offending field in the request's body, and why.
    struct Refusal: Encodable, Sendable, Equatable {
        var index: Int?
        var field: String
        var problem: String
    }

    /// Messages in the request.
    var received = 0
    var events: [ShopperEvent] = []
    /// (anonymous, known) pairs from identify and alias calls and from events naming both.
    var merges: [(anonymous: String, shopper: String)] = []
    /// Well-formed messages (or parts of one) with no counterpart in Tailor.
    var ignored = 0
    var refused: [Refusal] = []

    /// Maps one message with `map`; `path` is where it sits in the body (`batch[3]`, or
    /// empty for a body that is the message), `index` its position in a batch.
    /// `recommendationIsValid` tells whether a `recommendationId` is one this cluster made.
    mutating func add(
        _ message: JSONValue, path: String, index: Int?, now: Date,
        map: (JSONValue) throws(MappingError) -> [MappedMessage], recommendationIsValid: (String) -> Bool
    ) {
        received += 1
        let mapped: [MappedMessage]
        do {
            mapped = try map(message)
        } catch {
            refused.append(Refusal(index: index, field: Self.join(path, error.field), problem: error.problem))
            return
        }
        var events: [ShopperEvent] = []
        var merges: [(anonymous: String, shopper: String)] = []
        var ignored = 0
        for part in mapped {
            switch part {
            case .event(let event):
                do throws(ValidationError) {
                    try event.validate(field: "event", now: now)
                } catch {
                    let field = error.field.hasPrefix("event.") ? String(error.field.dropFirst(6)) : error.field
                    refused.append(Refusal(
                        index: index, field: Self.join(path, ""), problem: "becomes an event Tailor refuses: \(field) \(error.problem)"
                    ))
                    return
                }
                if let recommendation = event.recommendationId, !recommendationIsValid(recommendation) {
                    refused.append(Refusal(
                        index: index, field: Self.join(path, "properties.recommendationId"),
                        problem: GatewayService.foreignRecommendationProblem
                    ))
                    return
                }
                events.append(event)
            case .link(let link):
                do throws(ValidationError) {
                    try Check.identifier(link.userId, "userId")
                    try Check.identifier(link.anonymousId, "anonymousId")
                } catch {
                    refused.append(Refusal(index: index, field: Self.join(path, error.field), problem: error.problem))
                    return
                }
                merges.append((link.anonymousId, link.userId))
            case .ignored:
                ignored += 1
            }
        }
        self.events += events
        self.merges += merges
        self.ignored += ignored
    }

    /// `path.field`, `field` alone for a body that is the message, `body` when both are empty.
    static func join(_ path: String, _ field: String) -> String {
        switch (path.isEmpty, field.isEmpty) {
        case (true, true): "body"
        case (true, false): field
        case (false, true): path
        case (false, false): "\(path).\(field)"
        }
    }
}
