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
        // Per query, not per product: each item's postings and the heaviest item's weight.
        let items = prepared.items
        let heaviest = items.map(\.weight).max() ?? 0
        let postings = items.map { $0.weight > 0 && heaviest > 0 ? cooccurrence.postings(of: $0.code) : nil }
        var origins: [CandidateOrigin] = []
        var seen = Set<String>()
        for list in [result.ranked, result.trending, result.discovery] {
            for candidate in list where seen.insert(candidate.product).inserted {
                guard let row = rowByID[candidate.product].map(Int.init) else { continue }
                var seeds: [String] = []
                if scratch.rows[row].collaborative > 0 {
                    seeds = self.seeds(of: Int32(row), items: items, postings: postings, heaviest: heaviest, situation: prepared.query.situation)
                }
                origins.append(CandidateOrigin(
                    product: candidate.product, source: scratch.rows[row].selectedBy.source, seeds: seeds,
                    attributes: attributes(of: row, prepared)
                ))
            }
        }
        return ScoringTrace(origins: origins, removed: removed(prepared, kernel: kernel, scratch: scratch))
    }

    /// The situation's items whose co-occurrence reached `row`, by their share of its
    /// collaborative sum (the walk's own terms: item weight over the heaviest, times the pair's weight).
    private func seeds(
        of row: Int32, items: [(code: Int32, weight: Float)], postings: [[Cooccurrence.Entry]?], heaviest: Float, situation: Situation
    ) -> [String] {
        var shares: [(item: Int, share: Float)] = []
        for index in items.indices {
            guard let list = postings[index], let weight = Self.weight(of: row, in: list) else { continue }
            shares.append((index, items[index].weight / heaviest * weight))
        }
        return shares.sorted { $0.share != $1.share ? $0.share > $1.share : $0.item < $1.item }
            .prefix(ScoringTrace.originNames).compactMap { $0.item < situation.items.count ? situation.items[$0.item].product : nil }
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

    /// The row's features the shopper has an affinity for, heaviest first (two sorted
    /// code lists merged, as the kernel's feature sum does; names only for the few kept).
    private func attributes(of row: Int, _ prepared: PreparedQuery) -> [String] {
        let wanted = prepared.featureCodes
        guard !wanted.isEmpty else { return [] }
        var matched: [(code: Int32, weight: Float)] = []
        var at = 0
        for code in featureCodes[row] {
            while at < wanted.count, wanted[at] < code { at += 1 }
            guard at < wanted.count else { break }
            if wanted[at] == code, prepared.featureWeights[at] > 0 { matched.append((code, prepared.featureWeights[at])) }
        }
        guard !matched.isEmpty else { return [] }
        matched.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.code < $1.code }
        return vocabulary.featureNames(matched.prefix(ScoringTrace.originNames).map(\.code))
    }

    /// The best ``ScoringTrace/removedLimit`` of the excluded rows (purchases, the page's
    /// product, the cart, `exclude`) and of the candidates the filters turned away, among
    /// those that would have made this node's top k: a removed product scoring below its
    /// k-th best would not have been shown anyway. Rows are compared by score first and
    /// only the few kept are built (a request turns away hundreds of candidates).
    private func removed(_ prepared: PreparedQuery, kernel: ScoringKernel, scratch: ScoringScratch) -> [RemovedCandidate] {
        let query = prepared.query
        let entries = scratch.ranked.entries
        let cut = entries.count >= query.k ? entries.lazy.map(\.score).min() ?? -.infinity : -.infinity
        var kept: [(score: Float, row: Int, why: Removal)] = []
        func consider(_ row: Int, _ why: Removal) {
            let numbers = self.numbers[row]
            guard numbers.alive, kernel.partitions?.contains(numbers.partition) ?? true else { return }
            let category = prepared.category(Int(numbers.leafCategory))
            let score = kernel.signals(row: row, numbers: numbers, category: category, scratch: scratch).weighted.total
            if score >= cut { kept.append((score, row, why)) }
        }
        let purchased = query.filters.excludePurchased != false ? Set(query.situation.purchased) : []
        var excluded = Set<Int>()
        for code in prepared.exclude {
            guard let row = row(code: code), excluded.insert(row).inserted else { continue }
            consider(row, purchased.contains(ids[row]) ? .bought : .excluded)
        }
        func check(_ row: Int) {
            guard !excluded.contains(row) else { return }
            switch kernel.admission(numbers[row]) {
            case .admitted: return
            case .outOfStock: consider(row, .outOfStock)
            case .belowMinimumPrice: consider(row, .belowMinimumPrice)
            case .aboveMaximumPrice: consider(row, .aboveMaximumPrice)
            case .outsideCategory: consider(row, .outsideCategory)
            }
        }
        if prepared.restrictedToCandidates {
            for code in prepared.candidates { if let row = row(code: code) { check(row) } }
        } else if query.scanAll {
            for row in ids.indices { check(row) }
        } else {
            for row in scratch.candidateRows { check(Int(row)) }
        }
        kept.sort { $0.score != $1.score ? $0.score > $1.score : ids[$0.row] < ids[$1.row] }
        return kept.prefix(ScoringTrace.removedLimit).map { entry in
            let numbers = self.numbers[entry.row]
            let category = prepared.category(Int(numbers.leafCategory))
            let weighted = kernel.signals(row: entry.row, numbers: numbers, category: category, scratch: scratch).weighted
            return RemovedCandidate(
                product: ids[entry.row], title: titles[entry.row], score: weighted.total, signals: weighted,
                reason: entry.why.reason, detail: entry.why.detail
            )
        }
    }
}

/// Why the kernel removed a row, as a small value until the row is kept.
private enum Removal {
    case bought, excluded, outOfStock, belowMinimumPrice, aboveMaximumPrice, outsideCategory

    var reason: RemovedCandidate.Reason {
        switch self {
        case .bought: .alreadyBought
        case .outOfStock: .outOfStock
        case .excluded, .belowMinimumPrice, .aboveMaximumPrice, .outsideCategory: .filter
        }
    }

    var detail: String {
        switch self {
        case .bought: ""
        case .excluded: "excluded by the request: the page's product, the cart or exclude"
        case .outOfStock: "no stock at the node"
        case .belowMinimumPrice: "price below minPrice"
        case .aboveMaximumPrice: "price above maxPrice"
        case .outsideCategory: "outside the category filter"
        }
    }
}
