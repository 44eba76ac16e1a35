/// The popularity and trend counters of a set of products (a ``DecayedCounter``
/// per product), all at one landmark, with what changed since the last delta.
///
/// A member adds its own events to its own slot (``add(product:weight:atMillis:slot:eventID:)``),
/// sends ``takeDelta()`` often and ``bucketDigest`` now and then (answered with the
/// ``state(ofBuckets:limit:)`` of the buckets that differ), and merges what others
/// send (``merge(_:)``). Deltas carry slots changed by merges as well as by
/// additions, so a member relays what it learned and gossip to a few peers reaches
/// everyone; relaying stops on its own, since a merge that changes nothing marks nothing.
package struct CounterTable: Sendable {
    /// Event and product pairs remembered for counting each once by default: at 1,000
    /// interactions a second, about a minute and a half of client retries.
    package static let defaultRememberedEvents = 100_000

    /// The time, in milliseconds, that every counter's sums are relative to.
    package private(set) var landmark: Int64
    /// Product id → its counter, always at ``landmark``.
    private var counters: [String: DecayedCounter] = [:]
    /// Slots changed since the last ``takeDelta()``, by product.
    private var changed: [String: Set<SlotID>] = [:]
    /// Products in the order first seen: a catch-up walks it a chunk at a time.
    private var order: [String] = []
    private var recentEvents: RecentKeys<EventKey>
    /// Per digest bucket, the XOR of its products' hashes (``productHash(_:)``), kept
    /// up to date as counters change: the anti-entropy digest costs nothing to read.
    private var bucketHashes = [UInt64](repeating: 0, count: CounterTable.digestBuckets)
    /// Each product's hash as it was last folded into its bucket.
    private var productHashes: [String: UInt64] = [:]
    /// The products of each digest bucket, in first-seen order.
    private var bucketProducts = [[String]](repeating: [], count: CounterTable.digestBuckets)

    /// How many buckets the anti-entropy digest splits the products into (by a stable
    /// hash of the product id): 256 hashes, 2 KiB, whatever the catalog's size.
    package static let digestBuckets = 256

    /// How many of the latest event and product pairs are remembered (oldest forgotten first).
    package var rememberedEvents: Int { recentEvents.capacity }

    /// An empty table at `landmark` that remembers the last `rememberedEvents` event
    /// and product pairs for counting each once.
    package init(landmark: Int64, rememberedEvents: Int = Self.defaultRememberedEvents) {
        self.landmark = landmark
        recentEvents = RecentKeys(capacity: rememberedEvents)
    }

    /// Adds an interaction of `weight` with `product` at `atMillis` to `slot` (this
    /// member's own) once per `eventID` and product; false when this pair is among the
    /// last ``rememberedEvents`` counted here, and so was not counted again.
    ///
    /// `weight` must be finite and not negative: the slots only grow, so removals
    /// (from the cart) are not counted here.
    ///
    /// Keyed by event and product, so an event that touches several products counts
    /// for each. Counting once across the cluster needs each event added at one member
    /// only; this window covers retries that reach the same member.
    package mutating func add(product: String, weight: Double, atMillis: Int64, slot: SlotID, eventID: String) -> Bool {
        guard recentEvents.insert(EventKey(eventID: eventID, product: product)) else { return false }
        // The whole table moves together so that deltas and merges see one landmark.
        if DecayedCounter.needsNewLandmark(atMillis: atMillis, landmark: landmark) { moveLandmark(to: DecayedCounter.alignedLandmark(atMillis)) }
        if counters[product] == nil { insert(product) }
        counters[product, default: DecayedCounter(landmark: landmark)].add(weight: weight, atMillis: atMillis, slot: slot)
        changed[product, default: []].insert(slot)
        rehash(product)
        return true
    }

    /// The slots changed (by additions or merges) since the last call, with their
    /// current full sums at the current landmark.
    package mutating func takeDelta() -> CounterDelta {
        var products: [String: [SlotID: Slot]] = [:]
        for (product, ids) in changed {
            guard let slots = counters[product]?.slots else { continue }
            products[product] = Dictionary(uniqueKeysWithValues: ids.compactMap { id in slots[id].map { (id, $0) } })
        }
        changed.removeAll(keepingCapacity: true)
        return CounterDelta(landmark: landmark, products: products)
    }

    /// Every slot of every product (tests and simulations compare whole tables with it).
    package func fullState() -> CounterDelta {
        CounterDelta(landmark: landmark, products: counters.mapValues(\.slots))
    }

    /// Merges a delta or a full state from any member: both at the later landmark,
    /// then per-slot max. Idempotent and commutative; order and duplicates do not matter.
    /// Returns the products whose counters grew.
    @discardableResult
    package mutating func merge(_ delta: CounterDelta) -> Set<String> {
        moveLandmark(to: delta.landmark)
        let move = delta.landmark == landmark ? nil : LandmarkMove(from: delta.landmark, to: landmark)
        var grown = Set<String>()
        for (product, slots) in delta.products where !slots.isEmpty {
            if counters[product] == nil { insert(product) }
            defer { rehash(product) }
            for (id, value) in slots {
                let grew = counters[product, default: DecayedCounter(landmark: landmark)].merge(move?.apply(value) ?? value, into: id)
                if grew {
                    changed[product, default: []].insert(id)
                    grown.insert(product)
                }
            }
        }
        return grown
    }

    /// Products with a counter.
    package var productCount: Int { order.count }

    /// The full state of up to `limit` products from `position` in first-seen order,
    /// and the position to continue from (0 after the last): a catch-up sends the
    /// table a chunk at a time, so its traffic stays bounded whatever the catalog's size.
    package func state(from position: Int, limit: Int) -> (state: CounterDelta, next: Int) {
        let start = position < order.count ? position : 0
        let end = min(order.count, start + max(0, limit))
        var products: [String: [SlotID: Slot]] = [:]
        for product in order[start..<end] { products[product] = counters[product]?.slots }
        return (CounterDelta(landmark: landmark, products: products), end < order.count ? end : 0)
    }

    /// The sums of `product`'s slots at ``landmark`` (long: popularity, short: trend).
    package func sums(of product: String) -> Slot? {
        guard let counter = counters[product] else { return nil }
        var total = Slot()
        for id in counter.slots.keys.sorted() {
            let slot = counter.slots[id]!
            total.long += slot.long
            total.short += slot.short
        }
        return total
    }

    /// Moves every counter to `newLandmark` (when later), changing no value read.
    package mutating func moveLandmark(to newLandmark: Int64) {
        guard newLandmark > landmark else { return }
        for product in counters.keys { counters[product]?.moveLandmark(to: newLandmark) }
        landmark = newLandmark
        for product in order { rehash(product) }
    }

    // MARK: Anti-entropy digest

    /// One hash per digest bucket: the XOR of the hashes of its products' slots. Two
    /// members whose buckets hash alike hold the same slots there (but for a 2⁻⁶⁴
    /// collision); the buckets that differ are the only ones worth exchanging.
    package var bucketDigest: [UInt64] { bucketHashes }

    /// One hash of the whole ``bucketDigest``: equal on members that hold the same
    /// counters, for status pages and tools to compare members at a glance.
    package var digestHash: UInt64 {
        var hash = FNV1a()
        for bucket in bucketHashes { hash.add(bucket) }
        return hash.value
    }

    /// The digest bucket of `product`.
    package static func bucket(of product: String) -> Int {
        Int(StableHash.fnv1a(product) % UInt64(digestBuckets))
    }

    /// The buckets where `other` (a peer's ``bucketDigest``) differs from this table's,
    /// in order; nil when `other` has another number of buckets (and so cannot be compared).
    package func bucketsDiffering(from other: [UInt64]) -> [Int]? {
        guard other.count == bucketHashes.count else { return nil }
        return bucketHashes.indices.filter { bucketHashes[$0] != other[$0] }
    }

    /// The full state of the products in `buckets`, taken whole and in the order given
    /// until the next would pass `limit` products (the first is always taken), and the
    /// buckets it holds.
    package func state(ofBuckets buckets: [Int], limit: Int) -> (state: CounterDelta, buckets: [Int]) {
        var products: [String: [SlotID: Slot]] = [:]
        var taken: [Int] = []
        for bucket in buckets where bucketProducts.indices.contains(bucket) {
            let members = bucketProducts[bucket]
            guard taken.isEmpty || products.count + members.count <= limit else { break }
            for product in members { products[product] = counters[product]?.slots }
            taken.append(bucket)
        }
        return (CounterDelta(landmark: landmark, products: products), taken)
    }

    private mutating func insert(_ product: String) {
        order.append(product)
        bucketProducts[Self.bucket(of: product)].append(product)
    }

    /// Folds `product`'s current slots into its bucket's hash in place of the last ones.
    private mutating func rehash(_ product: String) {
        guard let counter = counters[product] else { return }
        let new = Self.productHash(product, counter.slots)
        let old = productHashes.updateValue(new, forKey: product) ?? 0
        guard new != old else { return }
        bucketHashes[Self.bucket(of: product)] ^= old ^ new
    }

    /// A stable hash of one product's slots over their bit patterns, in slot order.
    static func productHash(_ product: String, _ slots: [SlotID: Slot]) -> UInt64 {
        var hash = FNV1a()
        hash.add(product)
        hash.add(slots)
        return StableHash.mix(hash.value, 0)
    }

    /// The decayed popularity count of `product` at `nowMillis`, over every slot (0 when unknown).
    package func popularity(of product: String, nowMillis: Int64) -> Double {
        counters[product]?.popularity(nowMillis: nowMillis) ?? 0
    }

    /// The decayed trend count of `product` at `nowMillis`, over every slot (0 when unknown).
    package func trendCount(of product: String, nowMillis: Int64) -> Double {
        counters[product]?.trendCount(nowMillis: nowMillis) ?? 0
    }

    /// The `count` most popular products at `nowMillis`, most popular first.
    package func mostPopular(_ count: Int, nowMillis: Int64) -> [String] {
        counters.map { (product: $0.key, popularity: $0.value.popularity(nowMillis: nowMillis)) }
            .sorted { $0.popularity != $1.popularity ? $0.popularity > $1.popularity : $0.product < $1.product }
            .prefix(count).map(\.product)
    }

    /// The counter of `product`, if any slot was recorded for it.
    package func counter(of product: String) -> DecayedCounter? { counters[product] }

    /// A stable hash of the counters (not the event window): equal on members that hold
    /// the same state at the same landmark. See ``CounterDelta/digest``.
    package func digest() -> UInt64 { fullState().digest }
}

/// What the retry window remembers: one event's interaction with one product.
struct EventKey: Hashable, Sendable {
    let eventID: String
    let product: String
}
