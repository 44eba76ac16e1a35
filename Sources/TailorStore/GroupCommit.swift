import Dispatch
import Synchronization
import TailorCRDT

/// Group commit (DESIGN.md §6): writes that arrive while a transaction is committing
/// wait together and go into the next transaction as one, so that concurrent requests
/// (event batches from several gateway connections, replication pulls, contributions)
/// pay for one SQLite transaction between them instead of one each.
///
/// There is no timer: the window is the commit in progress. A write arriving at an idle
/// store commits at once (alone); under load each transaction takes everything that
/// queued during the one before it. Every caller is resumed after the transaction that
/// holds its records committed, with the changes of its own records only, numbered in
/// its own order; the records of one group are applied in arrival order, as separate
/// commits in that order would have been.
///
/// When a grouped transaction fails, each of its writes is committed again alone, so
/// that a write is refused only for its own failure, never for a neighbour's.
final class GroupCommit: Sendable {
    typealias Records = [(partition: Int, record: ReplicatedRecord)]

    private struct Waiter {
        var records: Records
        var continuation: CheckedContinuation<[NodeStore.Change], any Error>
    }

    private struct State {
        var queue: [Waiter] = []
        var draining = false
        var transactions = 0
        var writes = 0
    }

    private let state = Mutex(State())
    /// One thread commits at a time (SQLite has one writer anyway): the drain loop.
    private let thread = DispatchQueue(label: "tailor.store.group-commit")

    /// Commits `records` into `store` (the one this group belongs to) with whatever else
    /// is waiting; returns this write's changes.
    func commit(_ records: Records, into store: NodeStore) async throws -> [NodeStore.Change] {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.queue.append(Waiter(records: records, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if start { thread.async { self.drain(into: store) } }
        }
    }

    /// Transactions committed and writes they held, since the store opened.
    var counts: (transactions: Int, writes: Int) {
        state.withLock { ($0.transactions, $0.writes) }
    }

    private func drain(into store: NodeStore) {
        while true {
            let group: [Waiter]? = state.withLock { state in
                guard !state.queue.isEmpty else {
                    state.draining = false
                    return nil
                }
                defer { state.queue.removeAll(keepingCapacity: true) }
                return state.queue
            }
            guard let group else { return }
            run(group, into: store)
        }
    }

    private func run(_ group: [Waiter], into store: NodeStore) {
        if group.count == 1 {
            let waiter = group[0]
            count(transactions: 1, writes: 1)
            waiter.continuation.resume(with: Result { try store.commit(waiter.records) })
            return
        }
        var all: Records = []
        var bounds: [Range<Int>] = []
        for waiter in group {
            bounds.append(all.count..<(all.count + waiter.records.count))
            all += waiter.records
        }
        let changes: [NodeStore.Change]
        do {
            changes = try store.commit(all)
        } catch {
            // Alone, each write fails only for what is wrong with it.
            for waiter in group {
                count(transactions: 1, writes: 1)
                waiter.continuation.resume(with: Result { try store.commit(waiter.records) })
            }
            return
        }
        count(transactions: 1, writes: group.count)
        var byWaiter = Array(repeating: [NodeStore.Change](), count: group.count)
        var position = 0
        for var change in changes {  // in record order
            while !bounds[position].contains(change.index) { position += 1 }
            change.index -= bounds[position].lowerBound
            byWaiter[position].append(change)
        }
        for (waiter, changes) in zip(group, byWaiter) { waiter.continuation.resume(returning: changes) }
    }

    private func count(transactions: Int, writes: Int) {
        state.withLock { state in
            state.transactions += transactions
            state.writes += writes
        }
    }
}
