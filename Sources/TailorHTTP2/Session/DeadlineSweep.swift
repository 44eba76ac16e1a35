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

    /// Called by the owner at the start of its sweep.
    mutating func fired() {
        scheduled = nil
        armedFor = nil
    }

    mutating func cancel() {
        scheduled?.cancel()
        scheduled = nil
        armedFor = nil
    }
}
