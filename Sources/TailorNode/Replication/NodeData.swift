import Metrics
import Dispatch
import Foundation
import Logging
import Synchronization
import NIOPosix
import TailorCRDT
import TailorMembership
import TailorModel
import TailorOutcomes
import TailorScoring
import TailorStore

/// A node's partitions in memory (``PartitionTable``) and in its store (``NodeStore``),
/// written together: a record is committed to SQLite first, then applied to the
/// partition actors, so that nothing a node acknowledged exists only in memory.
///
/// Applying is commutative (events are a set, registers keep the highest version,
/// erasures dominate older events on both sides), so two writes racing to the
/// actors leave the same state in whatever order they arrive.
package final class NodeData: Sendable {
    package let table: PartitionTable
    package let store: NodeStore
    let shardMap: ShardMap

    init(table: PartitionTable, store: NodeStore, shardMap: ShardMap) {
        self.table = table
        self.store = store
        self.shardMap = shardMap
    }

    /// What a write stored.
    package struct Written: Sendable {
        /// Records that changed something (not retries, not older versions).
        package var stored = 0
        /// The catalog-side contributions of the events stored for the first time.
        package var contributions: [EventContributions] = []
        /// Events an erasure removed.
        package var erasedEvents = 0
        /// The keys of the records stored.
        package var keys: [String] = []
    }

    /// Store metrics (README, Deployment), made once on first use (after `Observability.bootstrap()`).
    private static let commitDuration = Timer(label: "tailor_store_commit_duration_seconds")
    private static let recordsCommitted = Counter(label: "tailor_store_records_committed_total")

    /// Commits `records` in the store's next group commit (one transaction with the
    /// writes of other requests waiting then, off the event loops), then applies what
    /// changed to the partitions held in memory. `contents`, when given, are the
    /// records' decoded bodies in the same order (the caller had them: not decoded again).

    package func write(_ records: [(partition: Int, record: ReplicatedRecord)], contents: [RecordContent]? = nil) async throws -> Written {
        guard !records.isEmpty else { return Written() }
        let store = self.store
        let started = ContinuousClock.now
        let changes = try await store.commitInGroup(records)
        Self.commitDuration.record(duration: ContinuousClock.now - started)
        Self.recordsCommitted.increment(by: records.count)
        return try await apply(changes, contents: contents)
    }

    /// Applies committed changes to the partition actors, grouped by partition and kind.
    func apply(_ changes: [NodeStore.Change], contents: [RecordContent]? = nil) async throws -> Written {
        var written = Written(stored: changes.count, keys: changes.map(\.record.key))
        var byPartition: [Int: [NodeStore.Change]] = [:]
        for change in changes { byPartition[change.partition, default: []].append(change) }
        for (partition, changes) in byPartition {
            guard let replica = table[partition] else { continue }
            var events: [StoredEvent] = []
            var contributions: [EventContributions] = []
            var seedContributions: [EventContributions] = []
            var products: [Product] = []
            var stock: [StockLevel] = []
            for change in changes {
                switch try contents?[change.index] ?? change.record.content() {
                case .event(let event): events.append(event)
                case .contributions(let entries, let counted): if counted { seedContributions += entries } else { contributions += entries }
                case .product(let product): products.append(product)
                case .deletion(let id, let version): _ = await replica.catalog.remove(id, version: version)
                case .stock(let level): stock.append(level)
                case .erasure(let shopper, let atMillis):
                    written.erasedEvents += change.erasedEvents.count
                    let remaining = try store.events(of: shopper, partition: partition).events.compactMap { record -> StoredEvent? in
                        guard case .event(let event) = try record.content() else { return nil }
                        return event
                    }
                    await replica.shoppers.erase(shopper, atMillis: atMillis, remaining: remaining)
                case .link: break
                }
            }
            if !products.isEmpty { _ = await replica.catalog.upsert(products) }
            if !stock.isEmpty { _ = await replica.catalog.setStock(stock) }
            if !events.isEmpty { written.contributions += await replica.shoppers.record(events).contributions }
            if !contributions.isEmpty { _ = await replica.catalog.apply(contributions) }
            if !seedContributions.isEmpty { _ = await replica.catalog.apply(seedContributions, counting: true) }
        }
        return written
    }

    // MARK: Loading

    /// Applies the stored records of `partitions` to the replicas already in the table
    /// (built from the demo shop), leaving out the demo's own contributions (the demo
    /// just built them): a node whose last life stopped while storing the demo shop.
    func applyStored(_ partitions: [Int]) async throws -> Int {
        var total = 0
        for partition in partitions where table[partition] != nil {
            var changes: [NodeStore.Change] = []
            try store.load(partition: partition) { record in
                guard record.kind != .seedContributions else { return }
                changes.append(NodeStore.Change(
                    index: changes.count, partition: partition,
                    record: ReplicatedRecord(kind: record.kind, key: record.key, version: record.version, shopper: record.shopper, body: [UInt8](record.body))
                ))
            }
            total += changes.count
            _ = try await apply(changes)
        }
        return total
    }

    /// Builds the replica of each of `partitions` from the store and installs it, not
    /// complete (it answers reads once it caught up with the other replicas).
    /// Returns the records read.
    func load(_ partitions: [Int]) throws -> Int {
        // Partitions are independent: built on every core at once (the vocabulary they
        // share takes a lock to intern).
        let results = Mutex<[Result<Int, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: partitions.count) { index in
            let partition = partitions[index]
            let result = Result { () throws -> Int in
                var builder = ReplicaBuilder(
                    partition: partition, vocabulary: table.vocabulary, shardMap: shardMap, windows: table.attributionWindows, landmark: table.landmark
                )
                var count = 0
                try store.load(partition: partition) { record in
                    try builder.add(try ReplicatedRecord.content(kind: record.kind, key: record.key, version: record.version, body: record.body))
                    count += 1
                }
                builder.install(in: table, complete: false)
                return count
            }
            results.withLock { $0.append(result) }
        }
        return try results.withLock { $0 }.reduce(0) { $0 + (try $1.get()) }
    }
}

/// A partition replica built from its records before any actor owns it (start-up).
struct ReplicaBuilder {
    let partition: Int
    let owns: @Sendable (String) -> Bool
    var index: CatalogIndex
    var profiles: [String: ShopperProfile] = [:]
    var erasures: [String: Int64] = [:]
    var outcomes: OutcomeLedger

    init(partition: Int, vocabulary: Vocabulary, shardMap: ShardMap, windows: AttributionWindows = .standard, landmark: Int64? = nil) {
        outcomes = OutcomeLedger(windows: windows)
        self.partition = partition
        self.owns = { shardMap.partition(of: $0) == partition }
        index = CatalogIndex(vocabulary: vocabulary, landmark: landmark)
    }

    /// Adds one record's content; registers (erasures, products, stock) before the
    /// events and contributions that need them (``NodeStore/load(partition:visit:)``'s order).
    mutating func add(_ content: RecordContent) throws {
        switch content {
        case .event(let event):
            if let erasedAt = erasures[event.shopper], event.atMillis <= erasedAt { return }
            outcomes.record(event)
            if event.type == .impression { return }
            _ = profiles[event.shopper, default: ShopperProfile()].record(event, computingPairs: false)
        case .contributions(let contributions, let counted):
            for entry in contributions { _ = index.apply(entry, countingInteractions: counted, ownsProduct: owns) }
        case .product(let product): _ = index.upsert(product)
        case .deletion(let id, let version): _ = index.remove(id, version: version)
        case .stock(let level): _ = index.setStock(level)
        case .erasure(let shopper, let atMillis): erasures[shopper] = max(erasures[shopper] ?? .min, atMillis)
        case .link: break
        }
    }

    /// Installs the replica built; its products join the node index (``NodeCatalog``).
    func install(in table: PartitionTable, complete: Bool) {
        table.install(
            shoppers: ShopperPartition(partition: partition, profiles: profiles, erasures: erasures, outcomes: outcomes),
            built: index, partition: partition, complete: complete, ownsProduct: owns
        )
    }
}
