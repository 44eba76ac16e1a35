import NIOCore

/// One timer per connection for all its streams' deadlines, armed for the earliest.
///
/// A NIO timer per call costs a heap insertion when the call starts and a linear
/// search when it is cancelled, on every call. Most calls end long before their
/// deadline, so here nothing is cancelled: when the timer fires, the owner sweeps
/// its streams for expired ones and re-arms for the earliest deadline left.
struct DeadlineSweep {
    private var scheduled: Scheduled<Void>?
    private var armedFor: NIODeadline?

    /// Makes sure the timer fires no later than `deadline`.
    mutating func cover(_ deadline: NIODeadline, on loop: NIOIsolatedEventLoop, sweep: @escaping () -> Void) {
        if let armedFor, armedFor <= deadline { return }
        scheduled?.cancel()
        armedFor = deadline
        scheduled = loop.scheduleTask(deadline: deadline, sweep)
    }

    /// The timer fired: `expire` gets every key whose deadline has passed, then the
    /// timer is armed again for the earliest deadline left. `entries` is a snapshot,
    /// so `expire` may remove entries from the owner's table.
    mutating func sweep<Key>(
        _ entries: [(key: Key, deadline: NIODeadline)],
        on loop: NIOIsolatedEventLoop,
        expire: (Key) -> Void,
        again: @escaping () -> Void
    ) {
        scheduled = nil
        armedFor = nil
        let now = NIODeadline.now()
        var next: NIODeadline?
        for (key, deadline) in entries {
            if deadline <= now {
                expire(key)
            } else if next.map({ deadline < $0 }) ?? true {
                next = deadline
            }
        }
        if let next { cover(next, on: loop, sweep: again) }
    }

    mutating func cancel() {
        scheduled?.cancel()
        scheduled = nil
        armedFor = nil
    }
}
