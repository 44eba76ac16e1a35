import TailorModel
import Foundation

extension CatalogIndex {
    /// Popularity count at which the popularity signal reaches 1 - 1/e. A global
    /// constant, so that scores are comparable across partitions.
    static let popularityScale = 20.0
    /// Added to a product's popularity before normalising co-occurrence by it, so a
    /// rarely seen product's single co-occurrence does not count as certainty.
    static let collaborativeDamping = 4.0
    /// Below this decayed count the trend of a product is noise, and reads 0.
    static let trendMinimumCount = 2.0
    /// Stock at which the inventory signal is about 0.96 (1 - e^-3).
    static let comfortableStock = 10.0
    /// Stock per unit of popularity at which stock pressure reads 0.5.
    static let stockPressureScale = 20.0

    /// Scores this partition's products for one request: the top `k` by score and,
    /// when `query.mix` is set, the top `k` trending and discovery products.
    ///
    /// Every signal is computed from the product's own data and global constants,
    /// never normalised by anything partition-wide, so the gateway can merge the
    /// partitions' lists by score. `scratch` is the caller's reusable buffer set.
    package func score(_ query: ScoringQuery, partitions: PartitionSet? = nil, scratch: inout ScoringScratch) -> ScoringResult {
        score(vocabulary.prepare(query), partitions: partitions, scratch: &scratch)
    }

    /// ``score(_:partitions:scratch:)`` for a query already prepared with this index's
    /// vocabulary. (A query prepared with another vocabulary is prepared again with this one.)
    ///
    /// `partitions`: the partitions this query counts (nil: every one held). Candidates
    /// are selected per partition exactly as if each were an index of its own (its
    /// heads, its most popular rows per category and feature, whole when small), and
    /// scored in one pass into one top-k.
    package func score(_ prepared: PreparedQuery, partitions: PartitionSet? = nil, scratch: inout ScoringScratch) -> ScoringResult {
        guard prepared.vocabulary == ObjectIdentifier(vocabulary) else { return score(prepared.query, partitions: partitions, scratch: &scratch) }
        let query = prepared.query
        let k = max(0, query.k)
        scratch.prepare(rows: ids.count)
        defer { scratch.clear() }
        scratch.ranked.reset(capacity: k)
        scratch.trending.reset(capacity: query.mix ? k : 0)
        scratch.discovery.reset(capacity: query.mix ? k : 0)

        for code in prepared.exclude { mark(code: code, in: &scratch) }
        accumulateCollaborative(prepared, scratch: &scratch)

        let kernel = ScoringKernel(index: self, prepared: prepared, partitions: partitions)
        if !prepared.restrictedToCandidates && query.scanAll {
            for row in ids.indices where !scratch.rows[row].marked { kernel.offer(row: row, scratch: &scratch) }
        } else if !prepared.restrictedToCandidates {
            selectCandidates(prepared, partitions: partitions, scratch: &scratch)
            for row in scratch.candidateRows { kernel.offer(row: Int(row), scratch: &scratch) }
        } else {
            for code in prepared.candidates {
                // Marking visited rows keeps a repeated candidate from appearing twice.
                guard let row = mark(code: code, in: &scratch) else { continue }
                scratch.rows[row].selectedBy = .named
                kernel.offer(row: row, scratch: &scratch)
            }
        }
        let situation = query.situation
        var result = ScoringResult(
            ranked: candidates(scratch.ranked, situation: situation, scratch: scratch, minimumScore: query.minimumScore),
            trending: candidates(scratch.trending, situation: situation, scratch: scratch),
            discovery: candidates(scratch.discovery, situation: situation, scratch: scratch)
        )
        if query.trace { result.trace = trace(of: result, prepared, kernel: kernel, scratch: scratch) }
        return result
    }

    /// Marks a product's row as excluded or visited; returns the row if it was not marked yet.
    @discardableResult
    private func mark(code: Int32, in scratch: inout ScoringScratch) -> Int? {
        guard let row = row(code: code), !scratch.rows[row].marked else { return nil }
        scratch.rows[row].marked = true
        scratch.markedRows.append(Int32(row))
        return row
    }

    /// Walks the inverted index once per situation item: Σ w_r × cooc(r, i), with
    /// the item weights scaled by the heaviest (the situation is the same for every
    /// partition, so this scale is global).
    private func accumulateCollaborative(_ prepared: PreparedQuery, scratch: inout ScoringScratch) {
        let items = prepared.items
        var heaviest: Float = 0
        for position in items.indices { heaviest = max(heaviest, items[position].weight) }
        guard heaviest > 0 else { return }
        for itemIndex in items.indices {
            let itemWeight = items[itemIndex].weight
            guard itemWeight > 0, let postings = cooccurrence.postings(of: items[itemIndex].code) else { continue }
            let weight = itemWeight / heaviest
            let source = Int32(itemIndex)
            // The rows through a span (written in place, without a uniqueness check per
            // write); the touched list moved out meanwhile, so the two do not overlap.
            var touched = scratch.touched
            scratch.touched = []
            do {
                var rows = scratch.rows.mutableSpan
                for entry in postings {
                    let row = Int(entry.row)
                    let contribution = weight * entry.weight
                    if rows[row].because < 0 {
                        touched.append(entry.row)
                        rows[row].because = source
                        rows[row].bestContribution = contribution
                    } else if contribution > rows[row].bestContribution {
                        rows[row].bestContribution = contribution
                        rows[row].because = source
                    }
                    rows[row].collaborative += contribution
                }
            }
            scratch.touched = touched
        }
    }

    /// The rows worth scoring for this request, instead of all of them: those the
    /// situation's items co-occur with, those in the leaf categories it has an
    /// affinity for (or the filter's categories), and the partition's heads. A row
    /// outside all three has no collaborative signal, little content signal and is
    /// not among the partition's best by the situation-free signals, so it cannot
    /// beat them; skipping it keeps the work proportional to the situation, not the catalog.
    ///
    /// Per partition counted: a partition of at most ``fullScanRows`` rows is taken
    /// whole, else its heads; then, of each category and feature list (most popular
    /// first), at most ``categoryHeadSize`` rows of each partition.
    private func selectCandidates(_ prepared: PreparedQuery, partitions: PartitionSet?, scratch: inout ScoringScratch) {
        func counted(_ row: Int32) -> Bool {
            partitions?.contains(numbers[Int(row)].partition) ?? true
        }
        func take(_ row: Int32, _ via: CandidateSelection) {
            let index = Int(row)
            guard !scratch.rows[index].marked, counted(row) else { return }
            scratch.rows[index].marked = true
            scratch.rows[index].selectedBy = via
            scratch.markedRows.append(row)
            scratch.candidateRows.append(row)
        }
        for row in scratch.touched { take(row, .cooccurrence) }
        for (partition, rows) in rowsByPartition where partitions?.contains(partition) ?? true {
            if rows.count <= Self.fullScanRows {
                for row in rows { take(row, .wholePartition) }
            } else {
                let heads = headsByPartition[partition] ?? []
                let kinds = headKinds[partition] ?? []
                for (position, row) in heads.enumerated() where Int(row) < ids.count {
                    take(row, position < kinds.count ? kinds[position] : .popularityHead)
                }
            }
        }
        /// The first `categoryHeadSize` rows of each counted partition's segment of `rows`.
        func takeHeads(of rows: [Int32], segments: [Segment], via: CandidateSelection, where include: (Int32) -> Bool) {
            for segment in segments where partitions?.contains(segment.partition) ?? true {
                let end = min(Int(segment.end), Int(segment.start) + Self.categoryHeadSize)
                for row in rows[Int(segment.start)..<end] where include(row) { take(row, via) }
            }
        }
        let filtered = prepared.query.filters.category != nil
        for code in prepared.selectedCategories where Int(code) < rowsByCategory.count {
            // With a filter every product of the filter's categories competes; for an
            // affinity, the category's most popular ones (kept first by refreshHeads).
            let rows = rowsByCategory[Int(code)]
            if filtered {
                for row in rows where numbers[Int(row)].leafCategory == code { take(row, .category) }
            } else if Int(code) < categorySegments.count {
                takeHeads(of: rows, segments: categorySegments[Int(code)], via: .category) { numbers[Int($0)].leafCategory == code }
            } else {
                // Not ordered yet (no refresh since the category appeared): its first rows.
                for row in rows.prefix(Self.categoryHeadSize) where numbers[Int(row)].leafCategory == code { take(row, .category) }
            }
        }
        // The most popular products sharing the shopper's heaviest features: what
        // attribute similarity can bring in without any co-occurrence yet.
        for code in prepared.selectedFeatures {
            guard let rows = rowsByFeature[code] else { continue }
            if let segments = featureSegments[code] {
                takeHeads(of: rows, segments: segments, via: .feature) { _ in true }
            } else {
                for row in rows.prefix(Self.categoryHeadSize) { take(row, .feature) }
            }
        }
    }

    /// Plenty of stock reads close to 1, an unknown level 0.5, none 0.
    static func inventorySignal(stock: Int64) -> Float {
        stock < 0 ? 0.5 : Float(1 - exp(-3 * Double(stock) / comfortableStock))
    }

    /// Partitions this small are scanned whole: selecting would cost as much.
    static let fullScanRows = 128
    /// Rows per head list.
    static let headSize = 6
    /// Products per affinity category considered (its most popular).
    static let categoryHeadSize = 24

    /// How often heads are rebuilt: they only need to be roughly current.
    package static let headRefreshIntervalMillis: Int64 = 10_000

    /// Whether the heads were never built, or are older than `maximumAgeMillis`, or the
    /// partition has grown since. (A refresh sorts every row several times, on the
    /// partition's actor: nodes do it in the background, spread over the interval,
    /// and a request does it only when that fell far behind.)
    package func needsHeadRefresh(nowMillis: Int64, maximumAgeMillis: Int64 = headRefreshIntervalMillis) -> Bool {
        headsRowCount != ids.count || nowMillis - headsBuiltAtMillis > maximumAgeMillis || nowMillis < headsBuiltAtMillis
    }

    /// Recomputes the heads: the top rows by popularity, by trend, by margin and by
    /// stock pressure. Counters change with every event, so the owner refreshes
    /// them at most every ten seconds (``needsHeadRefresh(nowMillis:)``).
    package mutating func refreshHeads(nowMillis: Int64) {
        // Ties broken by row, so that every order below is the same wherever it is computed.
        func before(_ a: (row: Int32, key: Double), _ b: (row: Int32, key: Double)) -> Bool {
            a.key > b.key || (a.key == b.key && a.row < b.row)
        }
        headsByPartition.removeAll(keepingCapacity: true)
        headKinds.removeAll(keepingCapacity: true)
        for (partition, rows) in rowsByPartition {
            let living = rows.filter { numbers[Int($0)].alive }
            func top(by key: (RowNumbers) -> Double) -> [Int32] {
                living.map { (row: $0, key: key(numbers[Int($0)])) }
                    .sorted(by: before)
                    .prefix(Self.headSize)
                    .map(\.row)
            }
            var seen = Set<Int32>()
            // Each head with the list that made it one (the first, for a row in several).
            let heads = ([(top { $0.popularitySlots }, CandidateSelection.popularityHead),
                          (top { $0.trendSlots / ($0.popularitySlots + 1) }, .trendingHead),
                          (top { Double($0.marginShare) }, .marginHead),
                          (top { Double(max($0.stock, 0)) / ($0.popularitySlots + 1) }, .stockHead)] as [([Int32], CandidateSelection)])
                .flatMap { rows, kind in rows.map { ($0, kind) } }
                .filter { seen.insert($0.0).inserted }
            headsByPartition[partition] = heads.map(\.0)
            headKinds[partition] = heads.map(\.1)
        }
        // By partition, then most popular first: each partition's rows one segment.
        func byPopularity(_ rows: [Int32]) -> [Int32] {
            rows.map { (row: $0, partition: numbers[Int($0)].partition, key: numbers[Int($0)].popularitySlots) }
                .sorted { $0.partition != $1.partition ? $0.partition < $1.partition : before(($0.row, $0.key), ($1.row, $1.key)) }
                .map(\.row)
        }
        // Each category's rows, most popular first, without rows that moved away or died.
        for category in rowsByCategory.indices {
            rowsByCategory[category] = byPopularity(rowsByCategory[category].filter {
                numbers[Int($0)].alive && numbers[Int($0)].leafCategory == Int32(category)
            })
        }
        for (code, rows) in rowsByFeature {
            let kept = byPopularity(rows.filter { numbers[Int($0)].alive && featureCodes[Int($0)].contains(code) })
            rowsByFeature[code] = kept.isEmpty ? nil : kept
        }
        rebuildSegments()
        headsBuiltAtMillis = nowMillis
        headsRowCount = ids.count
    }

    /// Cuts each category and feature list (ordered by partition) into per-partition segments.
    mutating func rebuildSegments() {
        func segments(of rows: [Int32]) -> [Segment] {
            var result: [Segment] = []
            for (position, row) in rows.enumerated() {
                let partition = numbers[Int(row)].partition
                if let last = result.last, last.partition == partition {
                    result[result.count - 1].end = Int32(position + 1)
                } else {
                    result.append(Segment(partition: partition, start: Int32(position), end: Int32(position + 1)))
                }
            }
            return result
        }
        categorySegments = rowsByCategory.map(segments)
        featureSegments = rowsByFeature.mapValues(segments)
    }

    private func candidates(_ top: TopK, situation: Situation, scratch: ScoringScratch, minimumScore: Float = -.infinity) -> [ScoredCandidate] {
        var result: [ScoredCandidate] = []
        result.reserveCapacity(top.entries.count)
        for entry in top.sorted(ids: ids) where entry.score >= minimumScore {
            let row = Int(entry.row)
            let source = scratch.rows[row].because
            result.append(ScoredCandidate(
                product: ids[row], title: titles[row], category: categories[row], brand: brands[row], price: numbers[row].price,
                stock: numbers[row].stock >= 0 ? numbers[row].stock : nil, score: entry.score, signals: entry.signals,
                becauseOf: source >= 0 && entry.signals.collaborative > 0 ? situation.items[Int(source)].product : nil
            ))
        }
        return result
    }
}
