public import TailorModel
import TailorScoring

/// The shoppers of one user partition: their event histories and the profiles built
/// from them (DESIGN.md §2: a profile is a pure function of its event set).
///
/// An actor, so partitions run concurrently and one partition's work never blocks
/// another's; created with its data already built, so a partition can be loaded
/// elsewhere and installed (the shape hand-off needs).
public actor UserPartition {
    public nonisolated let partition: Int
    private var profiles: [String: ShopperProfile]

    public init(partition: Int, profiles: [String: ShopperProfile] = [:]) {
        self.partition = partition
        self.profiles = profiles
    }

    /// What a batch of events did here.
    public struct RecordResult: Sendable {
        public var accepted = 0
        public var duplicates = 0
        /// The catalog-side contributions of the events stored for the first time.
        public var signals: [EventSignals] = []
    }

    /// Stores events; an event id already held is a duplicate and changes nothing.
    public func record(_ events: [StoredEvent]) -> RecordResult {
        var result = RecordResult()
        for event in events {
            if let signals = profiles[event.user, default: ShopperProfile()].record(event) {
                result.accepted += 1
                result.signals.append(signals)
            } else {
                result.duplicates += 1
            }
        }
        return result
    }

    /// The shopper's situation from their history, or nil for a shopper never seen here.
    public func situation(of user: String, nowMillis: Int64) -> Situation? {
        profiles[user]?.situation(nowMillis: nowMillis)
    }

    public var shopperCount: Int { profiles.count }
    public var eventCount: Int { profiles.values.reduce(0) { $0 + $1.eventCount } }
}
