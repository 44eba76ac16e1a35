/// The requests waiting for a free connection, and the connections waiting for a request.
///
/// A value type that says what to do; ``LoadEngine`` holds it on its event loop and does it.
/// At most `capacity` requests wait: beyond that a new one is dropped, so that a stalled
/// server makes the generator count drops instead of growing a queue without end.
struct PendingRequests<Waiter> {
    enum OfferAction {
        /// Hand the request straight to this idle connection.
        case handOver(Waiter)
        case queued
        case dropped
    }

    enum NextAction {
        case take(LoadWorkItem)
        /// Nothing more will come: the connection can close.
        case finished
        /// The waiter was parked; `offer` or `finish` will resume it.
        case parked
    }

    let capacity: Int
    private var queue: [LoadWorkItem] = []
    private var head = 0
    private var idle: [Waiter] = []
    private(set) var isFinished = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    var queuedCount: Int { queue.count - head }

    mutating func offer(_ item: LoadWorkItem) -> OfferAction {
        precondition(!isFinished, "a request offered after the schedule finished")
        if !idle.isEmpty { return .handOver(idle.removeFirst()) }
        if queuedCount >= capacity { return .dropped }
        queue.append(item)
        return .queued
    }

    mutating func next(_ waiter: Waiter) -> NextAction {
        if head < queue.count {
            let item = queue[head]
            head += 1
            if head > 1_024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return .take(item)
        }
        if isFinished { return .finished }
        idle.append(waiter)
        return .parked
    }

    /// Marks the end of the schedule; returns the idle waiters to resume with nothing.
    /// Queued requests are still handed out.
    mutating func finish() -> [Waiter] {
        isFinished = true
        defer { idle.removeAll() }
        return idle
    }
}
