import TailorCRDT
import TailorModel

extension CatalogIndex {
    /// Moves every row, co-occurrence posting, stock level, version, pending
    /// contribution and counted event id of `other` (an index of one partition, built
    /// apart: a node builds its partitions from the store in parallel at start-up)
    /// into this index as partition `partition`. Its popularity and trend slots are
    /// rescaled to this index's landmark. This index must hold nothing of
    /// `partition` (a fresh index, or after ``purge(partition:owns:)``); `other`
    /// must use this index's vocabulary.
    package mutating func absorb(_ other: CatalogIndex, as partition: Int) {
        precondition(other.vocabulary === vocabulary, "a partition joins a node index built with the same vocabulary")
        let key = Int32(partition)
        var popularityScale = 1.0
        var trendScale = 1.0
        if let theirs = other.landmark {
            if let mine = landmark {
                popularityScale = ForwardDecay.popularity.valueFactor(nowMillis: mine, landmark: theirs)
                trendScale = ForwardDecay.trend.valueFactor(nowMillis: mine, landmark: theirs)
            } else {
                landmark = theirs
            }
        }
        for (id, level) in other.stockLevels { stockLevels[id] = level }
        for (id, version) in other.versions { versions[id] = version }
        // Every row, dead ones too: postings name them, and an upsert revives them.
        var rowMap = [Int32](repeating: -1, count: other.ids.count)
        for source in other.ids.indices {
            let id = other.ids[source]
            guard rowByID[id] == nil else { continue }
            let row = appendRow(id: id, partition: key)
            rowMap[source] = Int32(row)
            titles[row] = other.titles[source]
            categories[row] = other.categories[source]
            brands[row] = other.brands[source]
            records[row] = other.records[source]
            var numbers = other.numbers[source]
            numbers.partition = key
            numbers.popularitySlots *= popularityScale
            numbers.trendSlots *= trendScale
            self.numbers[row] = numbers
            topCategory[row] = other.topCategory[source]
            terms[row] = other.terms[source]
            setFeatures(row: row, other.featureCodes[source])
            if numbers.alive { adjustCount(row: row, by: 1) }
            list(row: row, inCategory: numbers.leafCategory)
        }
        for (source, postings) in other.cooccurrence.bySource {
            for entry in postings where rowMap[Int(entry.row)] >= 0 {
                cooccurrence.add(source: source, row: rowMap[Int(entry.row)], weight: entry.weight)
            }
        }
        for (id, var waiting) in other.pending {
            waiting.popularity *= popularityScale
            waiting.trend *= trendScale
            if let row = rowByID[id].map(Int.init) {
                applyPending(waiting, row: row)
            } else {
                pending[id, default: PendingContributions()].merge(waiting)
            }
        }
        // What arrived for the partition's products before it joined (gossiped counts).
        for id in other.ids where pending[id] != nil {
            if let row = rowByID[id].map(Int.init), let waiting = pending.removeValue(forKey: id) { applyPending(waiting, row: row) }
        }
        if let counted = other.appliedEvents.values.first { appliedEvents[key] = counted }
        headsRowCount = -1
    }

    /// Drops everything of `partition` (a node that let it go, or is about to build it
    /// again): its rows stop counting in any query at once, and its products,
    /// versions, stock levels, pending contributions, postings and counted event ids
    /// are forgotten, so that the partition adopted again starts empty; nothing names
    /// its rows any more (postings, category and feature lists, heads). `owns` says
    /// whether a product id belongs to it (for what has no row). The rows' places
    /// stay, empty and dead: other rows are named by number.
    package mutating func purge(partition: Int, owns: (String) -> Bool) {
        let key = Int32(partition)
        let rows = rowsByPartition.removeValue(forKey: key) ?? []
        var purged = [Bool](repeating: false, count: ids.count)
        for row in rows.map(Int.init) {
            purged[row] = true
            if numbers[row].alive { adjustCount(row: row, by: -1) }
            let id = ids[row]
            rowByID[id] = nil
            rowByCode[vocabulary.product(id)] = nil
            versions[id] = nil
            stockLevels[id] = nil
            pending[id] = nil
            setFeatures(row: row, [])
            numbers[row] = RowNumbers()
            ids[row] = ""
            titles[row] = ""
            categories[row] = ""
            brands[row] = ""
            records[row] = Product(id: "", title: "", categoryPath: [], price: 0, version: 0)
            terms[row] = []
        }
        for id in Array(versions.keys) where owns(id) { versions[id] = nil }
        for id in Array(stockLevels.keys) where owns(id) { stockLevels[id] = nil }
        for id in Array(pending.keys) where owns(id) { pending[id] = nil }
        if !rows.isEmpty {
            cooccurrence.removeRows { purged[Int($0)] }
            for category in rowsByCategory.indices { rowsByCategory[category].removeAll { purged[Int($0)] } }
            for code in Array(rowsByFeature.keys) {
                rowsByFeature[code]?.removeAll { purged[Int($0)] }
                if rowsByFeature[code]?.isEmpty == true { rowsByFeature[code] = nil }
            }
            // Removing rows keeps each list's order: only the segments move.
            rebuildSegments()
        }
        countByPartition[key] = nil
        headsByPartition[key] = nil
        headKinds[key] = nil
        appliedEvents[key] = nil
        headsRowCount = -1
    }
}

extension CatalogIndex {
    /// Co-occurrence entries naming rows of `partition` (tests and sizing).
    package func cooccurrenceEntries(partition: Int) -> Int {
        cooccurrence.bySource.values.reduce(0) { sum, postings in
            sum + postings.count { numbers[Int($0.row)].partition == Int32(partition) && numbers[Int($0.row)].alive }
        }
    }
}

extension PendingContributions {
    mutating func merge(_ other: PendingContributions) {
        popularity += other.popularity
        trend += other.trend
        pairs += other.pairs
    }
}
