import TailorModel

/// A profile's kept events with their strings interned, so that building a situation
/// sums into arrays by index instead of splitting category paths and hashing strings
/// for every product of every event.
///
/// ``keys`` holds one ``ProductKey`` per product of the kept events, flat, in the
/// events' order; the profile keeps it in step with its `events`. Names are never
/// dropped one by one: once evictions have removed more keys than remain, the profile
/// rebuilds the symbols from its kept events, so they stay within about twice what
/// the kept events name.
struct ProfileSymbols: Sendable {
    /// One product of a kept event, as indices.
    struct ProductKey: Sendable, Hashable {
        /// The product id's index in ``indexByName``.
        var product: Int32
        /// The category path's position in ``categories``; -1 when the category is empty.
        var category: Int32
        /// The brand's index in ``indexByName``; -1 when the brand is empty.
        var brand: Int32
    }

    /// A category path the kept events named, with its prefixes.
    struct Category: Sendable, Hashable {
        /// The full path's index in ``indexByName``.
        var path: Int32
        /// `Words.categoryPrefixes` of the path, as indices in ``indexByName``.
        var prefixes: [Int32]
    }

    /// Product ids, category paths and prefixes, and brands, in one index space:
    /// the situation sums each role into its own array.
    private(set) var indexByName: [String: Int32] = [:]
    /// The distinct category paths, in first-seen order.
    private(set) var categories: [Category] = []
    /// The kept events' products, flat, oldest event first.
    private(set) var keys: [ProductKey] = []
    /// Keys removed since the symbols were built; their names may still be held.
    private(set) var evictedKeys = 0

    /// Names held (some perhaps no longer named by a kept event).
    var nameCount: Int { indexByName.count }

    /// When more keys were evicted than are kept: time to rebuild from the kept events.
    var isMostlyStale: Bool { evictedKeys > keys.count }

    init() {}

    /// The symbols of `events`, built afresh.
    init(_ events: some Collection<StoredEvent>) {
        keys.reserveCapacity(events.reduce(0) { $0 + $1.products.count })
        for event in events { insert(event.products, at: keys.count) }
    }

    /// Interns `products` (one event's) and inserts their keys at `offset` in ``keys``.
    mutating func insert(_ products: [ProductRef], at offset: Int) {
        if offset == keys.count {
            // Events mostly arrive in time order: append without a temporary array.
            for product in products {
                let added = key(product)
                keys.append(added)
            }
        } else {
            let added = products.map { key($0) }
            keys.insert(contentsOf: added, at: offset)
        }
    }

    /// Removes the first `count` keys (those of evicted events).
    mutating func removeFirst(_ count: Int) {
        keys.removeFirst(count)
        evictedKeys += count
    }

    private mutating func key(_ product: ProductRef) -> ProductKey {
        ProductKey(
            product: intern(product.id),
            category: product.category.isEmpty ? -1 : category(product.category),
            brand: product.brand.isEmpty ? -1 : intern(product.brand)
        )
    }

    private mutating func intern(_ name: String) -> Int32 {
        if let index = indexByName[name] { return index }
        let index = Int32(indexByName.count)
        indexByName[name] = index
        return index
    }

    private mutating func category(_ path: String) -> Int32 {
        let pathIndex = intern(path)
        // A shopper's categories are few: a scan over small integers beats a second table.
        if let known = categories.firstIndex(where: { $0.path == pathIndex }) { return Int32(known) }
        categories.append(Category(path: pathIndex, prefixes: Words.categoryPrefixes(path).map { intern($0) }))
        return Int32(categories.count - 1)
    }
}
