/// The last `capacity` keys inserted, first in first out: a set over a ring buffer.
/// Once `capacity` newer keys have arrived a key is forgotten, and it inserts again.
/// What counts an event once without remembering every event forever: the counter
/// table's event keys, a profile's and a catalog partition's event ids.
public struct RecentKeys<Key: Hashable & Sendable>: Sendable {
    public let capacity: Int
    private var members: Set<Key> = []
    /// Keys in arrival order, oldest at `oldest` once full; grows to `capacity` first
    /// so that a large bound costs nothing until it is used.
    private var ring: [Key] = []
    private var oldest = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "RecentKeys needs room for at least one key")
        self.capacity = capacity
    }

    /// Remembers `key`; false when it is remembered already (a retry).
    public mutating func insert(_ key: Key) -> Bool {
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

    public func contains(_ key: Key) -> Bool { members.contains(key) }

    /// Keys remembered now, at most `capacity`.
    public var count: Int { ring.count }
}
