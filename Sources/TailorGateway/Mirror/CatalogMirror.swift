import Synchronization
import TailorGossip
import TailorModel
import TailorScoring
import TailorWire

/// The gateway's catalog mirror: its copy of the catalog, what every product is called, where it sits,
/// and how much is in stock. The merge step checks answers against it (never
/// recommend what the gateway knows is out of stock), and events are enriched from
/// it. Filled from the nodes at start-up and refreshed; writes through any gateway
/// reach it by gossip (``inventoryDelta()``, ``mergeInventory(_:)``), this gateway's
/// own at once. Each product is two last-writer-wins registers — the product by its
/// version, its stock by the stock's version — so a refresh or a late gossip message
/// never undoes a newer write, and mirrors merged in any order agree.
final class CatalogMirror: InventoryReplica {
    struct Entry: Sendable, Equatable {
        var title: String
        var category: String
        var brand: String
        var price: Double
        var version: Int64
        var deleted: Bool
        var stock: Int64?
        var stockVersion: Int64
        /// ``ProductFeatures/names(of:)``.
        var features: [String] = []
        /// Part of the product register: what it costs the shop, nil when unknown.
        var cost: Double?
        /// Part of the product register: its page and image, nil when not given.
        var url: String?
        var imageURL: String?

        /// A product the mirror has heard nothing of yet.
        static let unknown = Entry(title: "", category: "", brand: "", price: 0, version: -1, deleted: false, stock: nil, stockVersion: -1)

        /// A known, not deleted product: what feature frequencies count.
        var isLive: Bool { version >= 0 && !deleted }

        /// Takes whichever register of `other` is newer; returns whether anything changed.
        mutating func merge(_ other: Entry) -> Bool {
            var changed = false
            if other.version > version {
                (title, category, brand, price, version, deleted) = (other.title, other.category, other.brand, other.price, other.version, other.deleted)
                features = other.features
                cost = other.cost
                (url, imageURL) = (other.url, other.imageURL)
                changed = true
            }
            if other.stockVersion > stockVersion {
                (stock, stockVersion) = (other.stock, other.stockVersion)
                changed = true
            }
            return changed
        }
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Products changed by a write through this gateway or by gossip, since the last delta.
        var changed: Set<String> = []
        /// Products in the order first seen: the full exchange walks it a chunk at a time.
        var order: [String] = []
        var cursor = 0
        /// Over the live products, for the weights of the features events carry.
        var frequencies = FeatureFrequencies()

        /// Merges `entry` into `id`'s; `spread` marks a change for the next gossip delta.
        mutating func merge(_ id: String, _ entry: Entry, spread: Bool) {
            var current = entries[id] ?? {
                order.append(id)
                return .unknown
            }()
            let before = current
            if current.merge(entry), spread { changed.insert(id) }
            entries[id] = current
            count(replacing: before, with: current)
        }

        mutating func count(replacing before: Entry, with after: Entry) {
            guard before.isLive != after.isLive || before.features != after.features else { return }
            if before.isLive { frequencies.remove(before.features) }
            if after.isLive { frequencies.add(after.features) }
        }
    }

    /// Products per chunk of the periodic full exchange between gateways.
    static let chunkSize = 256

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.entries.values.count { !$0.deleted } } }

    /// Every product the mirror has heard of, deleted ones and stock-only ones too
    /// (``Entry/isLive`` tells them apart), for the console's search and category list.
    /// A copy-on-write snapshot: taking it holds the lock only for a reference; the
    /// next write after it pays for one copy of the table.
    func snapshot() -> [String: Entry] {
        state.withLock { $0.entries }
    }

    /// A product as the nodes hold it (start-up and periodic refresh): not gossiped,
    /// every gateway reads the nodes itself.
    func merge(_ summary: ProductSummary) {
        let entry = Entry(
            title: summary.title, category: summary.category, brand: summary.brand, price: summary.price, version: summary.version,
            deleted: false, stock: summary.stock, stockVersion: summary.stock == nil ? -1 : summary.stockVersion ?? -1,
            features: summary.features, cost: summary.cost, url: summary.url, imageURL: summary.imageURL
        )
        state.withLock { $0.merge(summary.id, entry, spread: false) }
    }

    /// A product written through this gateway.
    func upsert(_ product: Product) {
        var entry = Entry.unknown
        (entry.title, entry.category, entry.brand, entry.price, entry.version) =
            (product.title, product.category, product.brand ?? "", product.price, product.version)
        entry.features = ProductFeatures.names(of: product)
        entry.cost = product.cost
        (entry.url, entry.imageURL) = (product.url, product.imageURL)
        state.withLock { $0.merge(product.id, entry, spread: true) }
    }

    /// A stock level written through this gateway.
    func setStock(_ level: StockLevel) {
        var entry = Entry.unknown
        (entry.stock, entry.stockVersion) = (level.quantity, level.version)
        state.withLock { $0.merge(level.product, entry, spread: true) }
    }

    /// A deletion written through this gateway (a tombstone at `version`).
    func remove(_ id: String, version: Int64) {
        state.withLock { state in
            guard var current = state.entries[id] else { return }
            guard version > current.version else { return }
            let before = current
            current.version = version
            current.deleted = true
            state.entries[id] = current
            state.count(replacing: before, with: current)
            state.changed.insert(id)
        }
    }

    /// A product as events and situations refer to it; only the id when unknown.
    func ref(_ id: String) -> ProductRef {
        state.withLock { state in
            guard let entry = state.entries[id], !entry.deleted, entry.version >= 0 else { return ProductRef(id: id) }
            return ProductRef(
                id: id, category: entry.category, brand: entry.brand, price: entry.price,
                features: state.frequencies.weights(of: entry.features), cost: entry.cost
            )
        }
    }

    /// The product's page and image, for an answer's item (nil each when unknown).
    func links(_ id: String) -> (url: String?, imageURL: String?) {
        state.withLock { state in
            guard let entry = state.entries[id], !entry.deleted else { return (nil, nil) }
            return (entry.url, entry.imageURL)
        }
    }

    func title(_ id: String) -> String? {
        state.withLock { state in state.entries[id].flatMap { $0.deleted || $0.title.isEmpty ? nil : $0.title } }
    }

    /// Whether an answer may include the product: known out of stock or deleted → no.
    func isRecommendable(_ id: String, requireStock: Bool) -> Bool {
        state.withLock { state in
            guard let entry = state.entries[id] else { return true }
            if entry.deleted { return false }
            if requireStock, let stock = entry.stock, stock <= 0 { return false }
            return true
        }
    }

    // MARK: Gossip

    /// What changed by writes and gossip since the last call, or nil.
    func inventoryDelta() -> WireInventoryState? {
        state.withLock { state in
            guard !state.changed.isEmpty else { return nil }
            defer { state.changed.removeAll(keepingCapacity: true) }
            return Self.wire(state.changed.sorted().compactMap { id in state.entries[id].map { (id, $0) } })
        }
    }

    /// The next chunk of the whole view, or nil when it is empty.
    func inventoryChunk() -> WireInventoryState? {
        state.withLock { state in
            guard !state.order.isEmpty else { return nil }
            let start = state.cursor < state.order.count ? state.cursor : 0
            let end = min(state.order.count, start + Self.chunkSize)
            state.cursor = end < state.order.count ? end : 0
            return Self.wire(state.order[start..<end].compactMap { id in state.entries[id].map { (id, $0) } })
        }
    }

    /// Merges another gateway's delta or chunk; what changed here is passed on.
    func mergeInventory(_ wire: WireInventoryState) {
        state.withLock { state in
            for item in wire.entries where !item.product.isEmpty {
                let entry = Entry(
                    title: item.title, category: item.category, brand: item.brand, price: item.price, version: item.version,
                    deleted: item.deleted, stock: item.hasStock_p ? item.stock : nil, stockVersion: item.stockVersion,
                    features: item.features, cost: item.hasCost ? item.cost : nil,
                    url: item.hasURL ? item.url : nil, imageURL: item.hasImageURL ? item.imageURL : nil
                )
                state.merge(item.product, entry, spread: true)
            }
        }
    }

    private static func wire(_ entries: [(String, Entry)]) -> WireInventoryState {
        var state = WireInventoryState()
        state.entries = entries.map { id, entry in
            var item = WireInventoryEntry()
            (item.product, item.title, item.category, item.brand, item.price, item.version, item.deleted) =
                (id, entry.title, entry.category, entry.brand, entry.price, entry.version, entry.deleted)
            item.features = entry.features
            if let cost = entry.cost { item.cost = cost }
            if let url = entry.url { item.url = url }
            if let imageURL = entry.imageURL { item.imageURL = imageURL }
            if let stock = entry.stock {
                item.hasStock_p = true
                item.stock = stock
            }
            item.stockVersion = entry.stockVersion
            return item
        }
        return state
    }
}
