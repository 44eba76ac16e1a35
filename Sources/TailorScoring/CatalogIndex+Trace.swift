import TailorModel

/// How candidate selection took a row (``CatalogIndex/score(_:partitions:scratch:)``):
/// kept per row in the scratch for one query, read back only by a trace.
enum CandidateSelection: UInt8, Sendable {
    /// Not selected: every row was scored (`scanAll`), or the row was never taken.
    case none
    case cooccurrence
    /// Its partition is scanned whole (``CatalogIndex/fullScanRows``).
    case wholePartition
    case popularityHead, trendingHead, marginHead, stockHead
    case category
    case feature
    /// Named by the request's candidates.
    case named

    var source: CandidateOrigin.Source {
        switch self {
        case .none, .wholePartition: .catalog
        case .cooccurrence: .cooccurrence
        case .popularityHead: .popularity
        case .trendingHead: .trending
        case .marginHead: .margin
        case .stockHead: .stock
        case .category: .category
        case .feature: .attributes
        case .named: .candidates
        }
    }
}

extension CatalogIndex {
    /// A traced query's ``ScoringTrace``: the origin of every product returned, and the
    /// best candidates the exclusions and filters removed before the top k, each scored
    /// as the kernel would have. Runs after scoring, while the scratch still holds the
    /// query's per-row state; an untraced query never gets here.
    func trace(of result: ScoringResult, _ prepared: PreparedQuery, kernel: ScoringKernel, scratch: ScoringScratch) -> ScoringTrace {
        let situation = prepared.query.situation
        var origins: [CandidateOrigin] = []
        var seen = Set<String>()
        for list in [result.ranked, result.trending, result.discovery] {
            for candidate in list where seen.insert(candidate.product).inserted {
                guard let row = rowByID[candidate.product].map(Int.init) else { continue }
                origins.append(CandidateOrigin(
                    product: candidate.product, source: scratch.rows[row].selectedBy.source,
                    seeds: seeds(of: row, prepared, scratch: scratch), attributes: attributes(of: row, situation: situation)
                ))
            }
        }
        return ScoringTrace(origins: origins, removed: removed(prepared, kernel: kernel, scratch: scratch))
    }

    /// The situation's items whose co-occurrence reached `row`, by their share of its
    /// collaborative sum (the walk's own terms: item weight over the heaviest, times the pair's weight).
    private func seeds(of row: Int, _ prepared: PreparedQuery, scratch: ScoringScratch) -> [String] {
        guard scratch.rows[row].collaborative > 0 else { return [] }
        let items = prepared.items
        let heaviest = items.map(\.weight).max() ?? 0
        guard heaviest > 0 else { return [] }
        var shares: [(item: Int, share: Float)] = []
        for index in items.indices where items[index].weight > 0 {
            guard let postings = cooccurrence.postings(of: items[index].code), let weight = Self.weight(of: Int32(row), in: postings) else { continue }
            shares.append((index, items[index].weight / heaviest * weight))
        }
        let products = prepared.query.situation.items
        return shares.sorted { $0.share != $1.share ? $0.share > $1.share : $0.item < $1.item }
            .prefix(ScoringTrace.originNames).compactMap { $0.item < products.count ? products[$0.item].product : nil }
    }

    private static func weight(of row: Int32, in postings: [Cooccurrence.Entry]) -> Float? {
        var low = 0
        var high = postings.count
        while low < high {
            let mid = (low + high) / 2
            if postings[mid].row < row { low = mid + 1 } else { high = mid }
        }
        return low < postings.count && postings[low].row == row ? postings[low].weight : nil
    }

    /// The row's features the shopper has an affinity for, heaviest first.
    private func attributes(of row: Int, situation: Situation) -> [String] {
        guard !situation.featureAffinity.isEmpty else { return [] }
        var matched: [(name: String, weight: Float)] = []
        for name in ProductFeatures.names(of: records[row]) {
            if let weight = situation.featureAffinity[name], weight > 0 { matched.append((name, weight)) }
        }
        matched.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.name < $1.name }
        return matched.prefix(ScoringTrace.originNames).map(\.name)
    }

    /// The best ``ScoringTrace/removedLimit`` of the excluded rows (purchases, the page's
    /// product, the cart, `exclude`) and of the candidates the filters turned away.
    private func removed(_ prepared: PreparedQuery, kernel: ScoringKernel, scratch: ScoringScratch) -> [RemovedCandidate] {
        let query = prepared.query
        var removed: [RemovedCandidate] = []
        func counted(_ row: Int) -> Bool {
            numbers[row].alive && (kernel.partitions?.contains(numbers[row].partition) ?? true)
        }
        func add(_ row: Int, _ reason: RemovedCandidate.Reason, _ detail: String) {
            let numbers = self.numbers[row]
            let category = prepared.category(Int(numbers.leafCategory))
            let weighted = kernel.signals(row: row, numbers: numbers, category: category, scratch: scratch).weighted
            removed.append(RemovedCandidate(
                product: ids[row], title: titles[row], score: weighted.total, signals: weighted, reason: reason, detail: detail
            ))
        }
        let purchased = query.filters.excludePurchased != false ? Set(query.situation.purchased) : []
        var excluded = Set<Int>()
        for code in prepared.exclude {
            guard let row = row(code: code), counted(row), excluded.insert(row).inserted else { continue }
            if purchased.contains(ids[row]) {
                add(row, .alreadyBought, "")
            } else {
                add(row, .filter, "excluded by the request: the page's product, the cart or exclude")
            }
        }
        let considered: [Int]
        if prepared.restrictedToCandidates {
            considered = prepared.candidates.compactMap { row(code: $0) }
        } else if query.scanAll {
            considered = Array(ids.indices)
        } else {
            considered = scratch.candidateRows.map(Int.init)
        }
        for row in considered where counted(row) && !excluded.contains(row) {
            switch kernel.admission(numbers[row]) {
            case .admitted: continue
            case .outOfStock: add(row, .outOfStock, "no stock at the node")
            case .belowMinimumPrice: add(row, .filter, "price below minPrice")
            case .aboveMaximumPrice: add(row, .filter, "price above maxPrice")
            case .outsideCategory: add(row, .filter, "outside the category filter")
            }
        }
        removed.sort(by: RemovedCandidate.ranksBefore)
        return Array(removed.prefix(ScoringTrace.removedLimit))
    }
}
