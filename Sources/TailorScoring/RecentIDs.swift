import DequeModule

/// The event ids seen lately, so that a retried event counts once without every id
/// being remembered forever: a set bounded first in, first out. Once `capacity`
/// newer ids have arrived an id is forgotten, and a retry that late counts again.
struct RecentIDs: Sendable {
    let capacity: Int
    private var members: Set<String> = []
    /// The remembered ids, oldest first.
    private var order: Deque<String> = []

    init(capacity: Int) {
        precondition(capacity > 0, "RecentIDs needs room for at least one id")
        self.capacity = capacity
    }

    /// Remembers `id`; false when it is already remembered (a retry).
    mutating func insert(_ id: String) -> Bool {
        guard members.insert(id).inserted else { return false }
        order.append(id)
        if order.count > capacity { members.remove(order.removeFirst()) }
        return true
    }

    func contains(_ id: String) -> Bool { members.contains(id) }

    /// Ids remembered now, at most `capacity`.
    var count: Int { order.count }
}
