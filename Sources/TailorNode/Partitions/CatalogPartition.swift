import TailorModel
import TailorScoring

/// One held replica's handle on the node index (``NodeCatalog``): the products of
/// one catalog partition, their stock, popularity and co-occurrence, written and read
/// as that partition (and that replica's generation) in the node's one index.
package struct CatalogPartition: Sendable {
    package let slot: NodeCatalog.Slot
    private let node: NodeCatalog

    package init(_ slot: NodeCatalog.Slot, in node: NodeCatalog) {
        self.slot = slot
        self.node = node
    }

    /// Upserts products; returns the ids of those held at the same or a newer version.
    package func upsert(_ products: [Product]) async -> [String] {
        await node.upsert(products, in: slot)
    }

    /// Sets stock levels; returns the products whose level was held at the same or a newer version.
    package func setStock(_ levels: [StockLevel]) async -> [String] {
        await node.setStock(levels, in: slot)
    }

    package func remove(_ id: String, version: Int64) async -> Bool {
        await node.remove(id, version: version, in: slot)
    }

    /// Applies event contributions (co-occurrence pairs; interactions are counted by
    /// gossip, except for seed data: `counting`); each event id counts once.
    package func apply(_ contributions: [EventContributions], counting: Bool = false) async -> Int {
        await node.apply(contributions, counting: counting, in: slot)
    }

    package func product(_ id: String) async -> (product: Product, stock: StockLevel?)? {
        await node.product(id, in: slot)
    }

    /// A page of the held products (``CatalogIndex/summaries(from:limit:byteBudget:partition:)``).
    package func summaries(from first: Int, limit: Int, byteBudget: Int) async -> (summaries: [ProductSummary], next: Int?) {
        await node.summaries(from: first, limit: limit, byteBudget: byteBudget, in: slot)
    }

    package var productCount: Int {
        get async { await node.productCount(in: slot) }
    }

    /// Drops the partition's rows from the node index (the replica was released).
    package func release() async {
        await node.release(slot)
    }
}
