import TailorModel
import TailorScoring

/// The products of one catalog partition, their stock, popularity and
/// co-occurrence index, and the scratch buffers its scoring reuses.
package actor CatalogPartition {
    package nonisolated let partition: Int
    private let ownsProduct: @Sendable (String) -> Bool
    private var held: Held

    /// The index with its scoring buffers in one struct: scoring reads the index while
    /// writing the buffers, and as two stored properties of the actor that made the
    /// compiler copy the whole index (a retain per column) on every call.
    private struct Held {
        var index: CatalogIndex
        var scratch = ScoringScratch()

        mutating func score(_ query: PreparedQuery) -> ScoringResult {
            // The node's `HeadRefresher` keeps heads current off the request path; a
            // request refreshes them only when they were never built or that fell far behind.
            let nowMillis = query.query.nowMillis
            if index.needsHeadRefresh(nowMillis: nowMillis, maximumAgeMillis: 6 * CatalogIndex.headRefreshIntervalMillis) {
                index.refreshHeads(nowMillis: nowMillis)
            }
            return index.score(query, scratch: &scratch)
        }
    }

    /// - Parameter ownsProduct: whether a product id hashes to this partition.
    /// - Parameter index: built with the node's vocabulary (``PartitionTable/vocabulary``).
    package init(partition: Int, index: CatalogIndex, ownsProduct: @escaping @Sendable (String) -> Bool) {
        self.partition = partition
        self.held = Held(index: index)
        self.ownsProduct = ownsProduct
    }

    /// Upserts products; returns the ids of those held at the same or a newer version.
    package func upsert(_ products: [Product]) -> [String] {
        products.filter { !held.index.upsert($0) }.map(\.id)
    }

    /// Sets stock levels; returns the products whose level was held at the same or a newer version.
    package func setStock(_ levels: [StockLevel]) -> [String] {
        levels.filter { !held.index.setStock($0) }.map(\.product)
    }

    package func remove(_ id: String, version: Int64) -> Bool {
        held.index.remove(id, version: version)
    }

    /// Applies event contributions (co-occurrence pairs; interactions are counted by
    /// gossip, ``addCounts(_:landmark:)``, except for seed data: `counting`); each
    /// event id counts once.
    package func apply(_ contributions: [EventContributions], counting: Bool = false) -> Int {
        var applied = 0
        for entry in contributions where held.index.apply(entry, countingInteractions: counting, ownsProduct: ownsProduct) {
            applied += 1
        }
        return applied
    }

    /// Adds popularity and trend counts that arrived by gossip (sums relative to `landmark`).
    package func addCounts(_ counts: [(product: String, popularity: Double, trend: Double)], landmark: Int64) {
        held.index.addCounts(counts, landmark: landmark, ownsProduct: ownsProduct)
    }

    /// Scores a query prepared with the node's vocabulary (``PartitionTable/vocabulary``).
    package func score(_ query: PreparedQuery) -> ScoringResult {
        held.score(query)
    }

    /// Rebuilds the partition's heads if they are due (``CatalogIndex/headRefreshIntervalMillis``).
    package func refreshHeadsIfDue(nowMillis: Int64) {
        guard held.index.needsHeadRefresh(nowMillis: nowMillis) else { return }
        held.index.refreshHeads(nowMillis: nowMillis)
    }

    package func product(_ id: String) -> (product: Product, stock: StockLevel?)? {
        held.index.product(id)
    }

    /// A page of the held products (``CatalogIndex/summaries(from:limit:byteBudget:)``).
    package func summaries(from first: Int, limit: Int, byteBudget: Int) -> (summaries: [ProductSummary], next: Int?) {
        held.index.summaries(from: first, limit: limit, byteBudget: byteBudget)
    }

    package var productCount: Int { held.index.count }
}
