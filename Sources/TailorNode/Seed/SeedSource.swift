import TailorJourneys
import TailorModel

/// The data a node starts from when its store is empty. Every member builds the same
/// shop from the same source and keeps the partitions the shard map gives it. The
/// command layer hands one in (`tailor node --demo` gives the built-in demo shop); the
/// node does not know where it comes from.
package protocol SeedSource: Sendable {
    /// Every product, in a fixed order.
    var products: [Product] { get }
    /// Stock levels, in a fixed order.
    var stock: [StockLevel] { get }
    /// Calls `body` for every shopper, in a fixed order, with the shopper's id and
    /// time-ordered events ending at or before `endingAtMillis` (streaming: nobody
    /// holds every shopper's events at once).
    func forEachShopper(endingAtMillis: Int64, _ body: (_ index: Int, _ shopper: String, _ events: [StoredEvent]) -> Void)
    /// The decision points the shop starts with, held as version-0 registers that any
    /// write through the API supersedes (the demo's journey); none by default.
    var decisionPoints: [(id: String, definition: DecisionPointDefinition)] { get }
}

extension SeedSource {
    package var decisionPoints: [(id: String, definition: DecisionPointDefinition)] { [] }
}
