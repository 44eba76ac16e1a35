import TailorModel
import Foundation
import TailorCRDT

/// The products of the catalog partitions a node holds, laid out for the scoring
/// kernel (DESIGN.md §4): one row per product, the kernel's numbers in one contiguous
/// array of per-row records (``RowNumbers``), text in contiguous columns.
///
/// One index per node, over every catalog partition it holds (the node index): each
/// row carries its partition, and a query names the partitions it counts
/// (``PartitionSet``), so one co-occurrence walk per seed item, one candidate pass and
/// one top-k serve a node's whole share of a request. What belongs to a partition —
/// its heads, the event ids it counted, its product count — is kept per partition,
/// so a query over a set of partitions selects exactly what querying each of them
/// alone would have. A partition's rows are dropped at once when the node lets it go
/// (``purge(partition:owns:)``); a partition built apart (at start-up, in parallel)
/// joins with ``absorb(_:as:)``. Single-partition users (tests, benches) use partition 0.
///
/// Rows never move: a removed product keeps its row (marked dead) so that the
/// co-occurrence postings, which name rows, stay valid, and a later upsert with a
/// higher version revives the same row. Products and stock are last-writer-wins
/// registers by the shop's version; a removed product's version stays as a
/// tombstone so a stale upsert cannot bring it back.
package struct CatalogIndex: Sendable {
    // Text columns, read only for the top k and for summaries.
    var ids: [String] = []
    var titles: [String] = []
    var categories: [String] = []
    var brands: [String] = []
    var records: [Product] = []
    /// The numbers the kernel reads per product, one record per row (``RowNumbers``).
    var numbers: [RowNumbers] = []
    /// Interned top-level category (`Shoes`).
    var topCategory: [Int32] = []
    /// FNV-1a of the product id, so the discovery pick can vary by day without
    /// hashing strings per product per query.
    var idHash: [UInt64] = []
    /// Interned words of title, category and brand, sorted, for the query match.
    var terms: [[Int32]] = []
    /// Sorted feature codes per row (``ProductFeatures``).
    var featureCodes: [[Int32]] = []
    /// The same codes end to end, each row's span named in its ``RowNumbers``: the
    /// kernel reads a candidate's features from here, one cache miss instead of two
    /// (the row's array, then its elements). Append-only; rewritten whole once more
    /// than half of it is spans of replaced or purged rows.
    var featureArena: [Int32] = []
    private var featureArenaGarbage = 0
    /// Rows per feature code, most popular first after ``refreshHeads(nowMillis:)``.
    var rowsByFeature: [Int32: [Int32]] = [:]
    /// The landmark the rows' popularity and trend slots are relative to; nil until the first interaction.
    var landmark: Int64?

    var rowByID: [String: Int32] = [:]
    /// The node's codes for the strings below; shared with the node's other partitions.
    package let vocabulary: Vocabulary
    /// Row per product code (``Vocabulary``): the request path's lookup, an integer
    /// hash instead of a string one. (Not an array indexed by code: codes are
    /// node-wide, so it would cost every partition memory for every product seen.)
    var rowByCode: [Int32: Int32] = [:]
    /// Every version seen, including removed products' (tombstones).
    var versions: [String: Int64] = [:]
    /// Every stock level seen, also for products not (yet) held.
    var stockLevels: [String: StockLevel] = [:]
    var cooccurrence = Cooccurrence()
    /// Rows per leaf category code (a row moved to another leaf stays listed
    /// under the old one too; readers check `leafCategory`). ``refreshHeads(nowMillis:)``
    /// orders each list by partition, then most popular first, and cuts it into
    /// ``categorySegments``; rows added since sit after the last segment.
    var rowsByCategory: [[Int32]] = []
    /// Per category, where each partition's rows are in its list (as of the last refresh).
    var categorySegments: [[Segment]] = []
    /// Per feature code, the same for ``rowsByFeature``.
    var featureSegments: [Int32: [Segment]] = [:]
    /// Each partition's heads: its most popular, trending, high-margin and
    /// overstocked rows, the candidates every request counting it considers besides
    /// the situation's own (see ``refreshHeads(nowMillis:)``).
    var headsByPartition: [Int32: [Int32]] = [:]
    /// Per partition, which list made each of its heads one (a decision trace's origin).
    var headKinds: [Int32: [CandidateSelection]] = [:]
    /// Each partition's rows, in row order (dead ones included until a purge).
    var rowsByPartition: [Int32: [Int32]] = [:]
    /// Living products per partition.
    var countByPartition: [Int32: Int] = [:]
    var headsBuiltAtMillis: Int64 = .min
    var headsRowCount = -1
    /// Per partition, the ids of the events applied lately (``apply(_:countingInteractions:partition:ownsProduct:)``),
    /// so that an event's contributions count once when both replicas of its shopper report it.
    var appliedEvents: [Int32: RecentKeys<UInt64>] = [:]
    /// Interactions and pairs for products this partition owns but does not hold
    /// yet (events can overtake the catalog feed); applied when the product arrives.
    var pending: [String: PendingContributions] = [:]

    /// Products held (not removed).
    package private(set) var count = 0

    /// - Parameter vocabulary: the node's shared vocabulary; a fresh one by default.
    /// - Parameter landmark: the time popularity and trend slots are relative to; by
    ///   default, the first interaction's. Partitions built apart to join one node index
    ///   share one, so that joining them rescales nothing (``absorb(_:as:)``).
    package init(vocabulary: Vocabulary = Vocabulary(), landmark: Int64? = nil) {
        self.vocabulary = vocabulary
        self.landmark = landmark
    }

    /// The row of a product code, if this partition holds a row for it.
    func row(code: Int32) -> Int? {
        rowByCode[code].map(Int.init)
    }

    /// Stores `product` of `partition` unless a record with the same or a higher
    /// version was seen (including a removal); returns whether it changed anything.
    package mutating func upsert(_ product: Product, partition: Int = 0) -> Bool {
        if let held = versions[product.id], product.version <= held { return false }
        versions[product.id] = product.version
        let row: Int
        if let existing = rowByID[product.id] {
            row = Int(existing)
            if !numbers[row].alive { adjustCount(row: row, by: 1) }
        } else {
            row = appendRow(id: product.id, partition: Int32(partition))
            adjustCount(row: row, by: 1)
        }
        fill(row: row, with: product)
        if let waiting = pending.removeValue(forKey: product.id) { applyPending(waiting, row: row) }
        return true
    }

    /// Removes the product if `version` is newer than the one held, leaving a tombstone.
    package mutating func remove(_ id: String, version: Int64) -> Bool {
        if let held = versions[id], version <= held { return false }
        versions[id] = version
        if let row = rowByID[id].map(Int.init), numbers[row].alive {
            numbers[row].alive = false
            adjustCount(row: row, by: -1)
        }
        return true
    }

    mutating func adjustCount(row: Int, by delta: Int) {
        count += delta
        countByPartition[numbers[row].partition, default: 0] += delta
    }

    /// Living products of `partition`.
    package func count(partition: Int) -> Int {
        countByPartition[Int32(partition)] ?? 0
    }

    /// Stores a stock level unless one with the same or a higher version was seen.
    /// Stock for a product not held yet is kept and applied when the product arrives.
    package mutating func setStock(_ level: StockLevel) -> Bool {
        if let held = stockLevels[level.product], level.version <= held.version { return false }
        stockLevels[level.product] = level
        if let row = rowByID[level.product].map(Int.init) {
            numbers[row].setStock(level.quantity)
        }
        return true
    }

    /// The product as held, with its stock level if the shop sent one.
    package func product(_ id: String) -> (product: Product, stock: StockLevel?)? {
        guard let row = rowByID[id].map(Int.init), numbers[row].alive else { return nil }
        return (records[row], stockLevels[id])
    }

    /// The held products, in row order, for the gateway's catalog mirror.
    package func summaries() -> [ProductSummary] {
        summaries(from: 0).summaries
    }

    /// A page of the held products of `partition` (every row when nil), in row order,
    /// from position `first` of its rows: at most `limit` of them, and it ends once
    /// their text passes `byteBudget` bytes. `next` is the position to go on from, nil
    /// when the page reached the last row. Rows are only ever appended, so a position
    /// stays valid between pages.
    package func summaries(
        from first: Int, limit: Int = .max, byteBudget: Int = .max, partition: Int? = nil
    ) -> (summaries: [ProductSummary], next: Int?) {
        var result: [ProductSummary] = []
        var bytes = 0
        let rows = partition.map { rowsByPartition[Int32($0)] ?? [] }
        let end = rows?.count ?? ids.count
        var position = max(0, first)
        while position < end {
            defer { position += 1 }
            let row = rows.map { Int($0[position]) } ?? position
            guard numbers[row].alive else { continue }
            let level = stockLevels[ids[row]]
            let summary = ProductSummary(
                id: ids[row], title: titles[row], category: categories[row], brand: brands[row], price: numbers[row].price,
                stock: level?.quantity, stockVersion: level?.version, version: records[row].version,
                features: ProductFeatures.names(of: records[row]), cost: records[row].cost,
                url: records[row].url, imageURL: records[row].imageURL
            )
            result.append(summary)
            bytes += summary.estimatedBytes
            if result.count >= limit || bytes >= byteBudget {
                return (result, position + 1 < end ? position + 1 : nil)
            }
        }
        return (result, nil)
    }

    mutating func appendRow(id: String, partition: Int32) -> Int {
        let row = ids.count
        rowByID[id] = Int32(row)
        rowsByPartition[partition, default: []].append(Int32(row))
        rowByCode[vocabulary.product(id)] = Int32(row)
        ids.append(id)
        titles.append("")
        categories.append("")
        brands.append("")
        records.append(Product(id: id, title: "", categoryPath: [], price: 0, version: 0))
        var fresh = RowNumbers()
        fresh.partition = partition
        fresh.setStock(stockLevels[id]?.quantity ?? -1)
        numbers.append(fresh)
        topCategory.append(-1)
        idHash.append(StableHash.fnv1a(id))
        terms.append([])
        featureCodes.append([])
        return row
    }

    /// Lists `row` under leaf category `leaf` in ``rowsByCategory`` (none for -1).
    mutating func list(row: Int, inCategory leaf: Int32) {
        guard leaf >= 0 else { return }
        while rowsByCategory.count <= Int(leaf) { rowsByCategory.append([]) }
        rowsByCategory[Int(leaf)].append(Int32(row))
    }

    /// Sets a row's feature codes, lists it under those new to it in ``rowsByFeature``,
    /// and sets its span in ``featureArena``.
    mutating func setFeatures(row: Int, _ codes: [Int32]) {
        for code in codes where !featureCodes[row].contains(code) { rowsByFeature[code, default: []].append(Int32(row)) }
        featureArenaGarbage += featureCodes[row].count
        featureCodes[row] = codes
        numbers[row].featureStart = UInt32(featureArena.count)
        numbers[row].featureCount = UInt16(min(codes.count, Int(UInt16.max)))
        featureArena.append(contentsOf: codes.prefix(Int(UInt16.max)))
        if featureArenaGarbage > 1_024 && featureArenaGarbage > featureArena.count / 2 {
            featureArena.removeAll(keepingCapacity: true)
            featureArenaGarbage = 0
            for index in featureCodes.indices {
                numbers[index].featureStart = UInt32(featureArena.count)
                featureArena.append(contentsOf: featureCodes[index].prefix(Int(numbers[index].featureCount)))
            }
        }
    }

    private mutating func fill(row: Int, with product: Product) {
        let previousLeaf = numbers[row].leafCategory
        records[row] = product
        titles[row] = product.title
        categories[row] = product.category
        brands[row] = product.brand ?? ""
        var margin: Float = 0
        if let cost = product.cost, product.price > 0 {
            margin = Float(min(1, max(0, (product.price - cost) / product.price)))
        }
        let (leaf, top) = vocabulary.categoryPath(Words.categoryPrefixes(product.category))
        topCategory[row] = top
        if leaf != previousLeaf { list(row: row, inCategory: leaf) }
        numbers[row].describe(
            price: product.price, marginShare: margin, leafCategory: leaf,
            brandIndex: product.brand.map { vocabulary.brand($0) } ?? -1, rating: Float(product.rating ?? 0)
        )
        setFeatures(row: row, vocabulary.features(ProductFeatures.names(of: product)))
        terms[row] = vocabulary.terms(Words.of(product.title) + Words.of(product.category) + Words.of(product.brand ?? ""))
    }
}

/// One partition's rows in a category or feature list: `start..<end` of the list.
struct Segment: Sendable {
    var partition: Int32
    var start: Int32
    var end: Int32
}

/// The numbers the scoring kernel reads for one product, in one record: candidate
/// selection visits rows in no particular order, so a column per number cost a cache
/// miss per number per product (perf showed the kernel waiting on those loads); one
/// record is one or two cache lines. (DESIGN.md §4 asks for struct-of-arrays storage;
/// the text columns stay columns, and this is still one contiguous array per
/// partition with nothing allocated per product.)
struct RowNumbers: Sendable {
    var price: Double = 0
    /// Forward-decayed popularity and trend slots (see ``ForwardDecay``).
    var popularitySlots: Double = 0
    var trendSlots: Double = 0
    /// Units in stock; -1 when the shop never sent stock.
    var stock: Int64 = -1
    /// The inventory signal of `stock` (``CatalogIndex/inventorySignal(stock:)``),
    /// kept with it so the kernel does not compute an exponential per product.
    var inventory: Float = CatalogIndex.inventorySignal(stock: -1)
    /// `(price - cost) / price` in 0...1; 0 without a cost.
    var marginShare: Float = 0
    var rating: Float = 0
    /// Interned full category path (`Shoes > Running`); -1 before the product arrives.
    var leafCategory: Int32 = -1
    /// Interned brand; -1 without one.
    var brandIndex: Int32 = -1
    /// The row's feature codes: `featureCount` of them from `featureStart` in
    /// ``CatalogIndex/featureArena``.
    var featureStart: UInt32 = 0
    var featureCount: UInt16 = 0
    /// The catalog partition the product belongs to (at most 65,536 partitions: two
    /// bytes keep the record in one 64-byte cache line).
    private var partitionCode: UInt16 = 0

    var partition: Int32 {
        get { Int32(partitionCode) }
        set { partitionCode = UInt16(truncatingIfNeeded: newValue) }
    }
    /// False for a removed product, and for a row whose product has not arrived.
    var alive = false

    mutating func setStock(_ quantity: Int64) {
        stock = quantity
        inventory = CatalogIndex.inventorySignal(stock: quantity)
    }

    /// Fills the product's own numbers and marks the row alive.
    mutating func describe(price: Double, marginShare: Float, leafCategory: Int32, brandIndex: Int32, rating: Float) {
        self.price = price
        self.marginShare = marginShare
        self.leafCategory = leafCategory
        self.brandIndex = brandIndex
        self.rating = rating
        alive = true
    }
}

/// One held product as the gateway's catalog mirror needs it.
package struct ProductSummary: Sendable, Hashable {
    package var id: String
    package var title: String
    /// The category path joined with " > ".
    package var category: String
    /// Empty without a brand.
    package var brand: String
    package var price: Double
    package var stock: Int64?
    package var stockVersion: Int64?
    package var version: Int64
    /// ``ProductFeatures/names(of:)``.
    package var features: [String]
    /// What the product costs the shop, nil when unknown (the margin of attributed purchases).
    package var cost: Double?
    /// The product's page and image, nil when the shop gave none.
    package var url: String?
    package var imageURL: String?

    /// About what the summary takes on the wire: its text and its numbers.
    package var estimatedBytes: Int {
        features.reduce(
            id.utf8.count + title.utf8.count + category.utf8.count + brand.utf8.count + (url?.utf8.count ?? 0) + (imageURL?.utf8.count ?? 0) + 48
        ) { $0 + $1.utf8.count + 2 }
    }

    package init(
        id: String, title: String, category: String, brand: String, price: Double, stock: Int64?, stockVersion: Int64?, version: Int64,
        features: [String] = [], cost: Double? = nil, url: String? = nil, imageURL: String? = nil
    ) {
        self.features = features
        self.cost = cost
        self.url = url
        self.imageURL = imageURL
        self.id = id
        self.title = title
        self.category = category
        self.brand = brand
        self.price = price
        self.stock = stock
        self.stockVersion = stockVersion
        self.version = version
    }
}
