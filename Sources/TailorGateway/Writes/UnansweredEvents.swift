import Synchronization
import TailorCRDT

/// Ids of events sent in a write that some replica of their partition did not answer.
///
/// The gateway counts an event's popularity when a replica reports storing it for the
/// first time. A replica that stores an event and then crashes, or answers after the
/// write's timeout, takes that report with it; anti-entropy then copies the event to
/// the other replicas, and a retry finds it stored everywhere. So an event whose
/// write went unanswered somewhere is remembered here, and when it comes through this
/// gateway again and a replica holds it, it is counted then. The counter table counts
/// each event and product once among its latest, so an event counted on its first
/// try is not counted twice.
final class UnansweredEvents: Sendable {
    /// The same window as the counter table's: retries within it are counted once.
    static let capacity = CounterTable.defaultRememberedEvents

    private let ids = Mutex(RecentKeys<String>(capacity: capacity))

    func remember(_ eventIDs: some Sequence<String>) {
        ids.withLock { ids in
            for id in eventIDs { _ = ids.insert(id) }
        }
    }

    /// Those of `eventIDs` remembered as sent in a write that went unanswered somewhere.
    func unanswered(among eventIDs: some Sequence<String>) -> Set<String> {
        ids.withLock { ids in Set(eventIDs.filter { ids.contains($0) }) }
    }
}
