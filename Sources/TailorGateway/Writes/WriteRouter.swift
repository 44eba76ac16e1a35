import Foundation
import HTTPTypes
import Logging
import Metrics
import TailorMembership
import TailorModel
import TailorWire

/// Routes writes to the replicas that own them and acknowledges once W of them stored
/// the write. Retrying a write is always safe: events are keyed by id, products and
/// stock by version.
struct WriteRouter: Sendable {
    let cluster: ClusterClient
    let mirror: CatalogMirror
    let writeQuorum: Int
    let timeout: Duration
    let logger: Logger
    /// What an event without `personalization` means (`--consent`).
    var consent: ConsentPolicy = .assumed
    /// Events sent earlier in writes that some replica did not answer (``UnansweredEvents``).
    let unanswered: UnansweredEvents
    /// Counts accepted interactions into the gateway's popularity and trend counters.
    let count: @Sendable ([(product: String, weight: Double, atMillis: Int64, eventID: String)]) -> Void

    // MARK: Events

    func write(_ batch: EventBatch) async throws -> EventBatchResult {
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        let all = batch.events.map { event in
            StoredEvent(
                id: event.id ?? UUID().uuidString.lowercased(), type: event.type, shopper: event.shopper,
                session: event.session ?? "", products: event.allProducts.map(mirror.ref),
                quantity: event.quantity ?? 1, query: event.query ?? "",
                atMillis: event.at.map { Int64($0.timeIntervalSince1970 * 1000) } ?? nowMillis,
                recommendationID: event.recommendationId ?? "", unitPrice: event.type == .purchase ? event.price : nil
            )
        }
        // Consent first: a shopper who withdraws it is erased before anything of the
        // batch is written or counted, and before the answer; events without consent
        // are never sent to a shopper partition (WriteRouter+Consent).
        let consent = batch.consent(under: self.consent)
        try await erase(shoppers: consent.withdrawn)
        let stored = zip(all, consent.stored).filter(\.1).map(\.0)
        let anonymous = zip(all, consent.stored).filter { !$0.1 }.map(\.0)
        countAnonymously(anonymous)

        let (requests, partitionsOf) = plan(stored, key: \.shopper, into: WireEventWriteRequest()) { $0.events.append(WireEvent($1)) }
        let responses: [String: WireEventWriteResponse] = await fanOut(requests, WireMethods.events, partitionsOf: partitionsOf)

        // Events stored on any replica stay (anti-entropy brings them to the others), so
        // their contributions are counted and routed even when the quorum falls short.
        var contributions: [String: WireEventSignals] = [:]
        for response in responses.values {
            for entry in response.signals { contributions[entry.eventID] = entry }
        }
        // Popularity and trend count here, once per accepted event, into this gateway's
        // counter slot; gossip carries them to every member (TailorCRDT).
        count(contributions.values.flatMap { entry in
            entry.model.interactions.map { ($0.product, Double($0.weight), entry.atMillis, entry.eventID) }
        })
        countRetried(stored, contributions: contributions, answered: Set(responses.keys))
        await route(Array(contributions.values))
        try checkQuorum(responses: responses.keys, partitionsOf: partitionsOf, what: "events")
        let accepted = stored.count { contributions[$0.id] != nil }
        GatewayMetrics.eventsAccepted.increment(by: accepted)
        GatewayMetrics.traffic.countEventsAccepted(accepted)
        GatewayMetrics.eventsDuplicate.increment(by: stored.count - accepted)
        return EventBatchResult(
            accepted: accepted, duplicates: stored.count - accepted, ids: all.map(\.id), notStored: anonymous.isEmpty ? nil : anonymous.count
        )
    }

    /// The events no replica reported as new that an earlier write through this gateway
    /// left unanswered somewhere: a replica stored them then and its report was lost, so
    /// they count now (``UnansweredEvents``). Then remembers this write's events whose
    /// partition did not answer in full.
    private func countRetried(_ events: [StoredEvent], contributions: [String: WireEventSignals], answered: Set<String>) {
        var held: [StoredEvent] = []
        var unansweredIDs: [String] = []
        for event in events {
            let replicas = cluster.shardMap.replicas(of: cluster.shardMap.partition(of: event.shopper))
            if contributions[event.id] == nil, replicas.contains(where: answered.contains) { held.append(event) }
            if !replicas.allSatisfy(answered.contains) { unansweredIDs.append(event.id) }
        }
        let retried = unanswered.unanswered(among: held.map(\.id))
        countInteractions(of: held.filter { retried.contains($0.id) })
        unanswered.remember(unansweredIDs)
    }

    /// Sends event contributions to every replica of the catalog partitions they
    /// touch. Derived data: a replica that misses them scores with slightly older
    /// counts, so failures are logged, not returned to the shop.
    private func route(_ contributions: [WireEventSignals]) async {
        var requests: [String: WireSignalsRequest] = [:]
        var partitionsOf: [String: Set<Int>] = [:]
        let batch = UUID().uuidString.lowercased()
        for entry in contributions {
            let partitions = Set(entry.model.catalogProducts.map(cluster.shardMap.partition(of:)))
            var members = Set<String>()
            for partition in partitions {
                for member in cluster.shardMap.replicas(of: partition) {
                    members.insert(member)
                    partitionsOf[member, default: []].insert(partition)
                }
            }
            for member in members {
                requests[member, default: WireSignalsRequest()].signals.append(entry)
                requests[member]?.batch = batch
            }
        }
        let _: [String: WireSignalsResponse] = await fanOut(requests, WireMethods.contributions, partitionsOf: partitionsOf)
    }

    // MARK: Shoppers

    /// Erases a shopper on every replica of their partition: a tombstone that removes
    /// their events and links and refuses them back (from a retry or from anti-entropy).
    /// `erase(shopper:)` (WriteRouter+IdentityMerge) erases the shoppers linked to it first.
    func eraseRecords(of shopper: String, at erasedAt: Date) async throws -> ShopperErasure {
        var request = WireEraseRequest()
        request.user = shopper
        request.atMillis = Int64(erasedAt.timeIntervalSince1970 * 1000)
        let (responses, _) = try await writeToReplicas(of: shopper, WireMethods.eraseShopper, request, what: "the erasure")
        return ShopperErasure(
            shopper: shopper, erasedAt: erasedAt, eventsRemoved: Int(responses.values.map(\.eventsRemoved).max() ?? 0), replicas: responses.count
        )
    }

    // MARK: Catalog

    func write(_ batch: ProductBatch) async throws -> WriteResult {
        let (requests, partitionsOf) = plan(batch.products, key: \.id, into: WireProductWriteRequest()) {
            $0.products.append(WireProduct($1))
        }
        let responses: [String: WireWriteResponse] = await fanOut(requests, WireMethods.products, partitionsOf: partitionsOf)
        try checkQuorum(responses: responses.keys, partitionsOf: partitionsOf, what: "products")
        for product in batch.products { mirror.upsert(product) }
        return result(ids: batch.products.map(\.id), responses: responses, partitionsOf: partitionsOf)
    }

    func write(_ batch: StockBatch) async throws -> WriteResult {
        let (requests, partitionsOf) = plan(batch.stock, key: \.product, into: WireStockWriteRequest()) {
            $0.stock.append(WireStockLevel($1))
        }
        let responses: [String: WireWriteResponse] = await fanOut(requests, WireMethods.stock, partitionsOf: partitionsOf)
        try checkQuorum(responses: responses.keys, partitionsOf: partitionsOf, what: "stock levels")
        for level in batch.stock { mirror.setStock(level) }
        return result(ids: batch.stock.map(\.product), responses: responses, partitionsOf: partitionsOf)
    }

    func delete(product id: String, version: Int64) async throws -> WriteResult {
        var request = WireProductDeleteRequest()
        request.id = id
        request.version = version
        let (responses, partitionsOf) = try await writeToReplicas(of: id, WireMethods.deleteProduct, request, what: "the deletion")
        mirror.remove(id, version: version)
        return result(ids: [id], responses: responses, partitionsOf: partitionsOf)
    }

    /// A record is stale when every replica of its partition that answered held it at the
    /// same or a newer version. Members asked only for other partitions' records say
    /// nothing about it (`partitionsOf`: the partitions each member was asked for).
    private func result(ids: [String], responses: [String: WireWriteResponse], partitionsOf: [String: Set<Int>]) -> WriteResult {
        var staleCount: [String: Int] = [:]
        for response in responses.values {
            for id in Set(response.staleIds) { staleCount[id, default: 0] += 1 }
        }
        var answeringHolders: [Int: Int] = [:]
        for member in responses.keys {
            for partition in partitionsOf[member] ?? [] { answeringHolders[partition, default: 0] += 1 }
        }
        let stale = ids.count { id in
            let holders = answeringHolders[cluster.shardMap.partition(of: id)] ?? 0
            return holders > 0 && staleCount[id] == holders
        }
        return WriteResult(applied: ids.count - stale, stale: stale)
    }

    // MARK: Plumbing

    /// One request per member holding a replica of any record's partition, with the
    /// records it holds, and the partitions each request covers (for the quorum check).
    func plan<Record, Request>(
        _ records: [Record], key: KeyPath<Record, String>, into empty: Request, add: (inout Request, Record) -> Void
    ) -> (requests: [String: Request], partitionsOf: [String: Set<Int>]) {
        var requests: [String: Request] = [:]
        var partitionsOf: [String: Set<Int>] = [:]
        for record in records {
            let partition = cluster.shardMap.partition(of: record[keyPath: key])
            for member in cluster.shardMap.replicas(of: partition) {
                add(&requests[member, default: empty], record)
                partitionsOf[member, default: []].insert(partition)
            }
        }
        return (requests, partitionsOf)
    }

    /// Sends `request` to every replica of `key`'s partition and returns once W of them
    /// answered (503 otherwise): the answers, and the partition each member was asked for.
    func writeToReplicas<Request, Response>(
        of key: String, _ method: WireMethod<Request, Response>, _ request: Request, what: String
    ) async throws(APIError) -> (responses: [String: Response], partitionsOf: [String: Set<Int>]) {
        let partition = cluster.shardMap.partition(of: key)
        let requests = Dictionary(uniqueKeysWithValues: cluster.shardMap.replicas(of: partition).map { ($0, request) })
        let partitionsOf = requests.mapValues { _ in Set([partition]) }
        let responses = await fanOut(requests, method, partitionsOf: partitionsOf)
        try checkQuorum(responses: responses.keys, partitionsOf: partitionsOf, what: what)
        return (responses, partitionsOf)
    }

    func checkQuorum(responses: some Sequence<String>, partitionsOf: [String: Set<Int>], what: String) throws(APIError) {
        let short = shortOfQuorum(responses: responses, partitionsOf: partitionsOf)
        guard short.isEmpty else {
            throw APIError(
                status: .serviceUnavailable, field: nil,
                problem: "fewer than \(writeQuorum) replicas stored the \(what) of partitions \(short.sorted()); "
                    + "the write may be retried safely with the same ids"
            )
        }
    }

    /// The partitions that fewer than W of their replicas (or all, when fewer) answered for.
    private func shortOfQuorum(responses: some Sequence<String>, partitionsOf: [String: Set<Int>]) -> Set<Int> {
        var acks: [Int: Int] = [:]
        for member in responses {
            for partition in partitionsOf[member] ?? [] { acks[partition, default: 0] += 1 }
        }
        let partitions = Set(partitionsOf.values.flatMap { $0 })
        return partitions.filter { partition in
            acks[partition, default: 0] < min(writeQuorum, cluster.shardMap.replicas(of: partition).count)
        }
    }

    /// Sends each member its request and returns the answers as soon as W replicas of
    /// every partition in `partitionsOf` answered (or every member answered or failed).
    /// The calls still out go on: a slow replica (paused, or behind a throttled link)
    /// still gets the write, but the shop does not wait for it until the write timeout.
    func fanOut<Request, Response>(
        _ requests: [String: Request], _ method: WireMethod<Request, Response>, partitionsOf: [String: Set<Int>]
    ) async -> [String: Response] {
        guard !requests.isEmpty else { return [:] }
        let timeout = self.timeout
        let (answers, sink) = AsyncStream<(String, Response?)>.makeStream()
        for (member, request) in requests {
            Task { [cluster, logger] in
                do {
                    sink.yield((member, try await cluster.call(member, method, request, timeout: timeout)))
                } catch {
                    logger.warning("write to a replica failed", metadata: ["member": "\(member)", "path": "\(method.path)", "error": "\(error)"])
                    sink.yield((member, nil))
                }
            }
        }
        var responses: [String: Response] = [:]
        var answered = 0
        for await (member, response) in answers {
            answered += 1
            if let response { responses[member] = response }
            if answered == requests.count || shortOfQuorum(responses: responses.keys, partitionsOf: partitionsOf).isEmpty { break }
        }
        return responses
    }
}
