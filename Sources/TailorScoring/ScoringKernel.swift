import TailorModel
import TailorCRDT
import Foundation

/// The per-product part of ``CatalogIndex/score(_:scratch:)``: filters, the seven
/// raw signals (each in 0...1), their weighted sum, and the offer to the heaps.
/// Everything here reads the rows' numbers, columns and per-query constants; nothing allocates.
struct ScoringKernel {
    // The arrays the kernel reads, not the index itself: holding a `CatalogIndex`
    // copied (retained and released) its ~35 fields on every call.
    let numbers: [RowNumbers]
    let terms: [[Int32]]
    /// Every row's feature codes end to end (``CatalogIndex/featureArena``).
    let featureArena: [Int32]
    let hasFeatures: Bool
    let idHash: [UInt64]
    /// Held apart so the heaps' tie-break does not retain the column per product.
    let ids: [String]
    /// Ranked offers below this cannot be returned (``ScoringQuery/minimumScore``),
    /// so they skip the heap: its kept set among those at or above it is the same.
    let minimumScore: Float
    let weights: Signals
    let filters: RecommendationFilters
    let inStockOnly: Bool
    let typicalPrice: Double
    /// log2 of `typicalPrice` (when positive).
    let logTypicalPrice: Double
    let hasQuery: Bool
    let mix: Bool
    let hasAffinities: Bool
    let popularityFactor: Double
    let trendFactor: Double
    /// Rotates the discovery picks daily without a random source (pure, replayable).
    let discoverySalt: UInt64

    /// Per-category, per-brand and query-word codes of the request.
    let prepared: PreparedQuery
    /// The partitions counted (nil: every one held).
    let partitions: PartitionSet?

    init(index: borrowing CatalogIndex, prepared: PreparedQuery, partitions: PartitionSet? = nil) {
        let query = prepared.query
        self.prepared = prepared
        self.partitions = partitions
        numbers = index.numbers
        terms = index.terms
        featureArena = index.featureArena
        hasFeatures = !prepared.featureCodes.isEmpty
        idHash = index.idHash
        ids = index.ids
        minimumScore = query.minimumScore
        weights = query.weights
        filters = query.filters
        inStockOnly = query.filters.inStockOnly != false
        typicalPrice = query.situation.typicalPrice
        logTypicalPrice = typicalPrice > 0 ? log2(typicalPrice) : 0
        hasQuery = !prepared.queryTerms.isEmpty
        mix = query.mix
        hasAffinities = !query.situation.categoryAffinity.isEmpty
        let landmark = index.landmark ?? query.nowMillis
        popularityFactor = ForwardDecay.popularity.valueFactor(nowMillis: query.nowMillis, landmark: landmark)
        trendFactor = ForwardDecay.trend.valueFactor(nowMillis: query.nowMillis, landmark: landmark)
        discoverySalt = UInt64(bitPattern: query.nowMillis / 86_400_000)
    }

    /// What the filters say of a row: let through (with its category's affinities), or why not.
    enum Admission {
        case admitted(category: (affinity: Float, ancestor: Float, allowed: Bool))
        case outOfStock, belowMinimumPrice, aboveMaximumPrice, outsideCategory
    }

    @inline(__always)
    func admission(_ numbers: RowNumbers) -> Admission {
        if inStockOnly && numbers.stock == 0 { return .outOfStock }
        let price = numbers.price
        if let minPrice = filters.minPrice, price < minPrice { return .belowMinimumPrice }
        if let maxPrice = filters.maxPrice, price > maxPrice { return .aboveMaximumPrice }
        let leaf = Int(numbers.leafCategory)
        let category = prepared.category(leaf)
        if leaf >= 0, !category.allowed { return .outsideCategory }
        if leaf < 0, filters.category != nil { return .outsideCategory }
        return .admitted(category: category)
    }

    func offer(row: Int, scratch: inout ScoringScratch) {
        let numbers = self.numbers[row]
        guard numbers.alive, partitions?.contains(numbers.partition) ?? true else { return }
        guard case .admitted(let category) = admission(numbers) else { return }
        let (raw, weighted) = signals(row: row, numbers: numbers, category: category, scratch: scratch)
        let score = weighted.total
        if !(score < minimumScore) {
            scratch.ranked.offer(TopK.Entry(key: score, row: Int32(row), score: score, signals: weighted), ids: ids)
        }
        guard mix else { return }
        if raw.trending > 0 {
            scratch.trending.offer(TopK.Entry(key: raw.trending, row: Int32(row), score: score, signals: weighted), ids: ids)
        }
        // Discovery: good products from outside what the shopper already likes.
        let familiar = category.affinity > 0 || category.ancestor > 0
        if !familiar || !hasAffinities, raw.collaborative == 0 {
            let quality = 0.5 * raw.popularity + 0.3 * numbers.rating / 5 + 0.2 * jitter(row)
            scratch.discovery.offer(TopK.Entry(key: quality, row: Int32(row), score: score, signals: weighted), ids: ids)
        }
    }

    /// The seven raw signals of a row and their weighted values.
    @inline(__always)
    func signals(
        row: Int, numbers: RowNumbers, category: (affinity: Float, ancestor: Float, allowed: Bool), scratch: ScoringScratch
    ) -> (raw: Signals, weighted: Signals) {
        let stock = numbers.stock
        let popularity = numbers.popularitySlots * popularityFactor
        var raw = Signals()
        raw.collaborative = collaborative(row: row, popularity: popularity, scratch: scratch)
        raw.content = content(row: row, numbers: numbers, category: category)
        raw.popularity = Float(1 - exp(-popularity / CatalogIndex.popularityScale))
        raw.trending = trending(numbers: numbers, popularity: popularity)
        raw.inventory = numbers.inventory
        raw.margin = numbers.marginShare
        if stock > 0 {
            let pressure = Double(stock) / (1 + popularity)
            raw.stockPressure = Float(pressure / (pressure + CatalogIndex.stockPressureScale))
        }
        let weighted = Signals(
            collaborative: raw.collaborative * weights.collaborative, content: raw.content * weights.content,
            popularity: raw.popularity * weights.popularity, trending: raw.trending * weights.trending,
            inventory: raw.inventory * weights.inventory, margin: raw.margin * weights.margin,
            stockPressure: raw.stockPressure * weights.stockPressure
        )
        return (raw, weighted)
    }

    /// Co-occurrence normalised by the product's own popularity (a product everyone
    /// buys co-occurs with everything), squashed to 0...1 with x / (x + 1).
    private func collaborative(row: Int, popularity: Double, scratch: ScoringScratch) -> Float {
        let sum = scratch.rows[row].collaborative
        guard sum > 0 else { return 0 }
        let x = Double(sum) / (popularity + CatalogIndex.collaborativeDamping).squareRoot()
        return Float(x / (x + 1))
    }

    private func content(row: Int, numbers: RowNumbers, category: (affinity: Float, ancestor: Float, allowed: Bool)) -> Float {
        let shares = Self.contentShares
        var affinity = shares.category * category.affinity + shares.ancestor * category.ancestor
        affinity += shares.brand * prepared.brandAffinity(Int(numbers.brandIndex))
        if typicalPrice > 0, numbers.price > 0 {
            // 1 at the typical price, 0.5 at half or double it.
            // log2 here rather than stored: the record stays one cache line with room for
            // the feature span, and a candidate's log costs less than a cache miss.
            affinity += shares.price * Float(1 / (1 + abs(log2(numbers.price) - logTypicalPrice)))
        }
        if hasFeatures {
            let count = Int(numbers.featureCount)
            if count > 0 {
                // tf-idf cosine with the shopper's recent features (ProductFeatures), squashed.
                let start = Int(numbers.featureStart)
                let similarity = prepared.featureSum(featureArena[start..<start + count]) / Float(count).squareRoot()
                affinity += shares.features * similarity / (similarity + Self.featureSimilarityScale)
            }
        }
        guard hasQuery else { return affinity }
        var matched = 0
        let terms = self.terms[row]
        for term in prepared.queryTerms where term >= 0 && Self.contains(terms, term) { matched += 1 }
        let overlap = Float(matched) / Float(prepared.queryTerms.count)
        return 0.5 * overlap + 0.5 * affinity
    }

    /// The parts of the content signal's affinity (they sum to 1): the leaf category,
    /// the best ancestor category, the brand, the price band and the product's
    /// features (tags and attributes).
    /// Chosen on the validation items of Amazon Beauty and of the demo shop (README,
    /// Recommendation quality).
    static let contentShares = (category: Float(0.25), ancestor: Float(0.1), brand: Float(0.1), price: Float(0.15), features: Float(0.4))
    /// Feature similarity at which the feature part of the affinity is half its share.
    static let featureSimilarityScale: Float = 2

    /// Short half-life rate over long half-life rate: 1 when demand is steady, more
    /// when it is rising; squashed as 1 - 1/ratio so steady demand reads 0.
    private func trending(numbers: RowNumbers, popularity: Double) -> Float {
        guard popularity >= CatalogIndex.trendMinimumCount else { return 0 }
        let trend = numbers.trendSlots * trendFactor
        let ratio = (trend * ForwardDecay.trend.lambda) / (popularity * ForwardDecay.popularity.lambda)
        return ratio > 1 ? Float(1 - 1 / ratio) : 0
    }

    private static func contains(_ sorted: [Int32], _ value: Int32) -> Bool {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == value
    }

    /// A stable pseudo-random number in 0...1 per product and day (splitmix64 of
    /// the id's hash and the day).
    private func jitter(_ row: Int) -> Float {
        var z = idHash[row] &+ discoverySalt &* 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24)
    }
}
