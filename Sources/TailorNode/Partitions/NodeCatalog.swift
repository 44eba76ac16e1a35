import Synchronization
import TailorModel
import TailorScoring

/// The node index (DESIGN.md §4): one ``CatalogIndex`` over every catalog partition
/// this node holds, owned by one actor. A request is one call here, whatever the
/// number of partitions it counts: one co-occurrence walk per seed item, one
/// candidate pass, one top-k.
///
/// Partitions still place, replicate and move the data: each held replica writes
/// through its ``CatalogPartition`` handle, which names the partition and the
/// *generation* of the replica (a number the ``PartitionTable`` gives each replica it
/// creates, increasing). The index keeps one generation per partition: a call from a
/// newer generation first drops the older one's rows (the partition was released and
/// adopted again), a call from an older one is ignored. So a release and a re-adoption
/// racing each other leave the new replica's data, in whatever order they arrive.
package actor NodeCatalog {
    /// One replica's handle on the index.
    package struct Slot: Sendable {
        package let partition: Int
        package let generation: UInt64
        package let owns: @Sendable (String) -> Bool
    }

    private var index: CatalogIndex
    private var scratch = ScoringScratch()
    private var generations: [Int: UInt64] = [:]
    /// Per partition, the newest generation released: its calls, late, are ignored.
    private var retired: [Int: UInt64] = [:]
    private var owners: [Int: @Sendable (String) -> Bool] = [:]
    /// Partitions built apart (start-up) waiting to join the index: taken in at the
    /// next call, so that a table filled synchronously needs no await.
    private nonisolated let staged = Mutex<[(slot: Slot, index: CatalogIndex)]>([])

    package init(vocabulary: Vocabulary, landmark: Int64? = nil) {
        index = CatalogIndex(vocabulary: vocabulary, landmark: landmark)
    }

    /// Queues a partition built apart to join the index (at the next call).
    package nonisolated func stage(_ built: CatalogIndex, as slot: Slot) {
        staged.withLock { $0.append((slot, built)) }
    }

    /// Whether calls of `slot` apply now: its generation is current (made so when newer).
    private func admit(_ slot: Slot) -> Bool {
        takeStaged()
        return makeCurrent(slot)
    }

    /// Makes `slot`'s generation its partition's current one unless it is older (or
    /// released): a newer generation first purges the older one's rows. False when
    /// `slot` is stale.
    private func makeCurrent(_ slot: Slot) -> Bool {
        if let retired = retired[slot.partition], slot.generation <= retired { return false }
        if let current = generations[slot.partition] {
            if current == slot.generation { return true }
            guard current < slot.generation else { return false }
            index.purge(partition: slot.partition, owns: owners[slot.partition] ?? slot.owns)
        }
        generations[slot.partition] = slot.generation
        owners[slot.partition] = slot.owns
        return true
    }

    private func takeStaged() {
        let arriving = staged.withLock { staged in
            defer { staged.removeAll() }
            return staged
        }
        for (slot, built) in arriving where makeCurrent(slot) { index.absorb(built, as: slot.partition) }
    }

    // MARK: Writes

    package func upsert(_ products: [Product], in slot: Slot) -> [String] {
        guard admit(slot) else { return [] }
        return products.filter { !index.upsert($0, partition: slot.partition) }.map(\.id)
    }

    package func setStock(_ levels: [StockLevel], in slot: Slot) -> [String] {
        guard admit(slot) else { return [] }
        return levels.filter { !index.setStock($0) }.map(\.product)
    }

    package func remove(_ id: String, version: Int64, in slot: Slot) -> Bool {
        guard admit(slot) else { return false }
        return index.remove(id, version: version)
    }

    package func apply(_ contributions: [EventContributions], counting: Bool, in slot: Slot) -> Int {
        guard admit(slot) else { return 0 }
        var applied = 0
        for entry in contributions where index.apply(entry, countingInteractions: counting, partition: slot.partition, ownsProduct: slot.owns) {
            applied += 1
        }
        return applied
    }

    /// Adds popularity and trend counts that arrived by gossip (sums relative to
    /// `landmark`) for the products `holds` says this node holds a partition of.
    package func addCounts(_ counts: [(product: String, popularity: Double, trend: Double)], landmark: Int64, holds: (String) -> Bool) {
        takeStaged()
        index.addCounts(counts, landmark: landmark, ownsProduct: holds)
    }

    /// Drops the partition's rows if `slot` is still its current generation (a release).
    package func release(_ slot: Slot) {
        takeStaged()
        guard generations[slot.partition] == slot.generation else { return }
        index.purge(partition: slot.partition, owns: slot.owns)
        generations[slot.partition] = nil
        owners[slot.partition] = nil
        retired[slot.partition] = slot.generation
    }

    // MARK: Reads

    /// Scores a query prepared with the node's vocabulary over the partitions of
    /// `slots` whose generation is current; returns the result and those partitions.
    package func score(_ query: PreparedQuery, slots: [Slot]) -> (result: ScoringResult, partitions: [Int]) {
        var counted: [Int] = []
        for slot in slots where admit(slot) { counted.append(slot.partition) }
        // The background refresh keeps heads current; a request rebuilds them only when
        // they were never built or fell far behind.
        let nowMillis = query.query.nowMillis
        if index.needsHeadRefresh(nowMillis: nowMillis, maximumAgeMillis: 6 * CatalogIndex.headRefreshIntervalMillis) {
            index.refreshHeads(nowMillis: nowMillis)
        }
        let result = index.score(query, partitions: PartitionSet(counted), scratch: &scratch)
        return (result, counted)
    }

    /// Rebuilds the heads if they are due (``CatalogIndex/headRefreshIntervalMillis``).
    package func refreshHeadsIfDue(nowMillis: Int64) {
        takeStaged()
        guard index.needsHeadRefresh(nowMillis: nowMillis) else { return }
        index.refreshHeads(nowMillis: nowMillis)
    }

    package func product(_ id: String, in slot: Slot) -> (product: Product, stock: StockLevel?)? {
        guard admit(slot) else { return nil }
        return index.product(id)
    }

    /// A page of the partition's products (``CatalogIndex/summaries(from:limit:byteBudget:partition:)``).
    package func summaries(from first: Int, limit: Int, byteBudget: Int, in slot: Slot) -> (summaries: [ProductSummary], next: Int?) {
        guard admit(slot) else { return ([], nil) }
        return index.summaries(from: first, limit: limit, byteBudget: byteBudget, partition: slot.partition)
    }

    package func productCount(in slot: Slot) -> Int {
        guard admit(slot) else { return 0 }
        return index.count(partition: slot.partition)
    }
}
