public import TailorModel
public import TailorScoring

/// The products of one catalog partition, their stock, popularity and
/// co-occurrence index, and the scratch buffers its scoring reuses.
public actor CatalogPartition {
    public nonisolated let partition: Int
    private let ownsProduct: @Sendable (String) -> Bool
    private var index: CatalogIndex
    private var scratch = ScoringScratch()

    /// - Parameter ownsProduct: whether a product id hashes to this partition.
    /// - Parameter index: built with the node's vocabulary (``PartitionTable/vocabulary``).
    public init(partition: Int, index: CatalogIndex, ownsProduct: @escaping @Sendable (String) -> Bool) {
        self.partition = partition
        self.index = index
        self.ownsProduct = ownsProduct
    }

    /// Upserts products; returns the ids of those held at the same or a newer version.
    public func upsert(_ products: [Product]) -> [String] {
        products.filter { !index.upsert($0) }.map(\.id)
    }

    /// Sets stock levels; returns the products whose level was held at the same or a newer version.
    public func setStock(_ levels: [StockLevel]) -> [String] {
        levels.filter { !index.setStock($0) }.map(\.product)
    }

    public func remove(_ id: String, version: Int64) -> Bool {
        index.remove(id, version: version)
    }

    /// Applies event contributions; each event id counts once.
    public func apply(_ signals: [EventSignals]) -> Int {
        var applied = 0
        for entry in signals where index.apply(entry, ownsProduct: ownsProduct) {
            applied += 1
        }
        return applied
    }

    /// Scores a query prepared with the node's vocabulary (``PartitionTable/vocabulary``).
    public func score(_ query: PreparedQuery) -> ScoringResult {
        let nowMillis = query.query.nowMillis
        if index.needsHeadRefresh(nowMillis: nowMillis) { index.refreshHeads(nowMillis: nowMillis) }
        return index.score(query, scratch: &scratch)
    }

    public func product(_ id: String) -> (product: Product, stock: StockLevel?)? {
        index.product(id)
    }

    public func summaries() -> [ProductSummary] {
        index.summaries()
    }

    public var productCount: Int { index.count }
}
