import Synchronization

/// Where a node is in starting: loading its partitions, loaded (it takes writes and
/// serves replication), then ready (every replica caught up with the others: it
/// answers reads, and `/readyz` says 200).
package final class Readiness: Sendable {
    private let loaded = Atomic<Bool>(false)
    private let ready = Atomic<Bool>(false)

    package init() {}

    package var isLoaded: Bool { loaded.load(ordering: .acquiring) }
    package var isReady: Bool { ready.load(ordering: .acquiring) }

    package func markLoaded() { loaded.store(true, ordering: .releasing) }

    package func markReady() {
        loaded.store(true, ordering: .releasing)
        ready.store(true, ordering: .releasing)
    }
}
