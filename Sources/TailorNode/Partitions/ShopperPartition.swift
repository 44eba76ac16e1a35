import TailorModel
import TailorOutcomes
import TailorScoring

/// The shoppers of one partition: their event histories and the profiles built
/// from them (DESIGN.md §2: a profile is a pure function of its event set).
///
/// An actor, so partitions run concurrently and one partition's work never blocks
/// another's; created with its data already built, so a partition can be loaded
/// elsewhere and installed (the shape hand-off needs).
package actor ShopperPartition {
    package nonisolated let partition: Int
    private var profiles: [String: ShopperProfile]
    /// Erasures held, by shopper: the time each was erased at (ms). An event of that shopper
    /// at or before it is never recorded again, in whatever order the two arrive.
    private var erasures: [String: Int64]
    /// What the partition's recommendations earned (impressions, clicks, attributed
    /// purchases), derived from the events it holds.
    private var outcomes: OutcomeLedger

    package init(
        partition: Int, profiles: [String: ShopperProfile] = [:], erasures: [String: Int64] = [:], outcomes: OutcomeLedger = OutcomeLedger()
    ) {
        self.partition = partition
        self.profiles = profiles
        self.erasures = erasures
        self.outcomes = outcomes
    }

    /// What a batch of events did here.
    package struct RecordResult: Sendable {
        package var accepted = 0
        package var duplicates = 0
        /// The catalog-side contributions of the events stored for the first time.
        package var contributions: [EventContributions] = []
    }

    /// Stores events; an event id already held is a duplicate and changes nothing, as
    /// is an event of an erased shopper from before the erasure.
    package func record(_ events: [StoredEvent]) -> RecordResult {
        var result = RecordResult()
        for event in events {
            if let erasedAt = erasures[event.shopper], event.atMillis <= erasedAt {
                result.duplicates += 1
            } else if event.type == .impression {
                // Impressions are the outcome loop's alone: not part of the profile or popularity.
                if outcomes.record(event) {
                    result.accepted += 1
                    result.contributions.append(EventContributions(eventID: event.id, atMillis: event.atMillis, interactions: [], pairs: []))
                } else {
                    result.duplicates += 1
                }
            } else if let contributions = profiles[event.shopper, default: ShopperProfile()].record(event) {
                result.accepted += 1
                result.contributions.append(contributions)
                outcomes.record(event)
            } else {
                result.duplicates += 1
            }
        }
        return result
    }

    /// Forgets the shopper's profile and events up to `atMillis`; `remaining` are the
    /// events after it that the store still holds (the profile is rebuilt from them).
    package func erase(_ shopper: String, atMillis: Int64, remaining: [StoredEvent]) {
        erasures[shopper] = max(erasures[shopper] ?? .min, atMillis)
        profiles[shopper] = nil
        outcomes.erase(shopper, atMillis: atMillis)
        var profile = ShopperProfile()
        for event in remaining where event.atMillis > atMillis && event.type != .impression { _ = profile.record(event) }
        if profile.eventCount > 0 { profiles[shopper] = profile }
    }

    /// The partition's outcome counts, how many outcome events they come from, and the
    /// shoppers shown each experiment variant.
    package func outcomeCells() -> (events: Int, cells: OutcomeCells, shoppers: [VariantKey: Int64]) {
        (outcomes.eventCount, outcomes.cells(), outcomes.shoppersByVariant())
    }

    /// The decisions shown to the shopper since `sinceMillis` (their earliest
    /// impressions), what frequency caps count.
    package func exposures(of shopper: String, sinceMillis: Int64) -> [Exposure] {
        outcomes.exposures(of: shopper, sinceMillis: sinceMillis)
    }

    /// The shopper's situation from their history, or nil for a shopper never seen here.
    package func situation(of shopper: String, nowMillis: Int64) -> Situation? {
        profiles[shopper]?.situation(nowMillis: nowMillis)
    }

    /// The purchases of the partition's shoppers who bought: a uniform sample of the
    /// shop's (shoppers are placed by hash), what churn risk is measured against.
    package func purchaseSummaries() -> [PurchaseSummary] {
        profiles.values.compactMap { $0.purchases.orders > 0 ? $0.purchases : nil }
    }

    /// The shopper's profile as held (for export), or nil.
    package func profile(of shopper: String) -> ShopperProfile? { profiles[shopper] }

    package var shopperCount: Int { profiles.count }
    package var eventCount: Int { profiles.values.reduce(0) { $0 + $1.eventCount } }
}
