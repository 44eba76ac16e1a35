import Synchronization

/// Where a node is in starting: loading its partitions, loaded (it takes writes and
/// serves replication), then ready (every replica caught up with the others: it
/// answers reads, and `/readyz` says 200).
public final class Readiness: Sendable {
    private let loaded = Atomic<Bool>(false)
    private let ready = Atomic<Bool>(false)

    public init() {}

    public var isLoaded: Bool { loaded.load(ordering: .acquiring) }
    public var isReady: Bool { ready.load(ordering: .acquiring) }

    public func markLoaded() { loaded.store(true, ordering: .releasing) }

    public func markReady() {
        loaded.store(true, ordering: .releasing)
        ready.store(true, ordering: .releasing)
    }
}
