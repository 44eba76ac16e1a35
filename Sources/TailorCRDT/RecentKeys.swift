/// The last `capacity` keys inserted, first in first out: a set over a ring buffer.
/// Once `capacity` newer keys have arrived a key is forgotten, and it inserts again.
/// What counts an event once without remembering every event forever: the counter
/// table's event keys, a profile's and a catalog partition's event ids.
package struct RecentKeys<Key: Hashable & Sendable>: Sendable {
    package let capacity: Int
    private var members: Set<Key> = []
    /// Keys in arrival order, oldest at `oldest` once full; grows to `capacity` first
    /// so that a large bound costs nothing until it is used.
    private var ring: [Key] = []
    private var oldest = 0

    package init(capacity: Int) {
        precondition(capacity > 0, "RecentKeys needs room for at least one key")
        self.capacity = capacity
    }

    /// Remembers `key`; false when it is remembered already (a retry).
    package mutating func insert(_ key: Key) -> Bool {
        guard members.insert(key).inserted else { return false }
        if ring.count < capacity {
            ring.append(key)
        } else {
            members.remove(ring[oldest])
            ring[oldest] = key
            oldest = (oldest + 1) % capacity
        }
        return true
    }

    package func contains(_ key: Key) -> Bool { members.contains(key) }

    /// Keys remembered now, at most `capacity`.
    package var count: Int { ring.count }
}
