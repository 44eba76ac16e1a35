import Foundation
import HTTPTypes
import Logging
import SwiftProtobuf
import TailorMembership
import TailorModel
import TailorWire

/// Routes writes to the replicas that own them and acknowledges once W of them stored
/// the write. Retrying a write is always safe: events are keyed by id, products and
/// stock by version.
struct WriteRouter: Sendable {
    let cluster: ClusterClient
    let view: CatalogView
    let writeQuorum: Int
    let timeout: Duration
    let logger: Logger

    // MARK: Events

    func write(_ batch: EventBatch) async throws -> EventBatchResult {
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        let stored = batch.events.map { event in
            StoredEvent(
                id: event.id ?? UUID().uuidString.lowercased(), type: event.type, user: event.user,
                session: event.session ?? "", products: event.allProducts.map(view.ref),
                quantity: event.quantity ?? 1, query: event.query ?? "",
                atMillis: event.at.map { Int64($0.timeIntervalSince1970 * 1000) } ?? nowMillis
            )
        }
        var requests: [String: WireEventWriteRequest] = [:]
        var partitionsOf: [String: Set<Int>] = [:]
        for event in stored {
            let partition = cluster.shardMap.partition(of: event.user)
            for member in cluster.shardMap.replicas(of: partition) {
                requests[member, default: WireEventWriteRequest()].events.append(WireEvent(event))
                partitionsOf[member, default: []].insert(partition)
            }
        }
        let responses: [String: WireEventWriteResponse] = await fanOut(requests, path: "/internal/events")
        try checkQuorum(responses: responses.keys, partitionsOf: partitionsOf, what: "events")

        var signals: [String: WireEventSignals] = [:]
        for response in responses.values {
            for entry in response.signals { signals[entry.eventID] = entry }
        }
        await route(Array(signals.values))
        let accepted = stored.count { signals[$0.id] != nil }
        return EventBatchResult(accepted: accepted, duplicates: stored.count - accepted, ids: stored.map(\.id))
    }

    /// Sends event contributions to every replica of the catalog partitions they
    /// touch. Derived data: a replica that misses them scores with slightly older
    /// counts, so failures are logged, not returned to the shop.
    private func route(_ signals: [WireEventSignals]) async {
        var requests: [String: WireSignalsRequest] = [:]
        for entry in signals {
            var partitions = Set<Int>()
            for interaction in entry.interactions { partitions.insert(cluster.shardMap.partition(of: interaction.product)) }
            for pair in entry.pairs { partitions.insert(cluster.shardMap.partition(of: pair.target)) }
            var members = Set<String>()
            for partition in partitions { members.formUnion(cluster.shardMap.replicas(of: partition)) }
            for member in members { requests[member, default: WireSignalsRequest()].signals.append(entry) }
        }
        let _: [String: WireSignalsResponse] = await fanOut(requests, path: "/internal/signals")
    }

    // MARK: Catalog

    func write(_ batch: ProductBatch) async throws -> WriteResult {
        var requests: [String: WireProductWriteRequest] = [:]
        var partitionsOf: [String: Set<Int>] = [:]
        for product in batch.products {
            let partition = cluster.shardMap.partition(of: product.id)
            for member in cluster.shardMap.replicas(of: partition) {
                requests[member, default: WireProductWriteRequest()].products.append(WireProduct(product))
                partitionsOf[member, default: []].insert(partition)
            }
        }
        let responses: [String: WireWriteResponse] = await fanOut(requests, path: "/internal/products")
        try checkQuorum(responses: responses.keys, partitionsOf: partitionsOf, what: "products")
        for product in batch.products { view.upsert(product) }
        return result(ids: batch.products.map(\.id), responses: responses)
    }

    func write(_ batch: StockBatch) async throws -> WriteResult {
        var requests: [String: WireStockWriteRequest] = [:]
        var partitionsOf: [String: Set<Int>] = [:]
        for level in batch.stock {
            let partition = cluster.shardMap.partition(of: level.product)
            for member in cluster.shardMap.replicas(of: partition) {
                requests[member, default: WireStockWriteRequest()].stock.append(WireStockLevel(level))
                partitionsOf[member, default: []].insert(partition)
            }
        }
        let responses: [String: WireWriteResponse] = await fanOut(requests, path: "/internal/stock")
        try checkQuorum(responses: responses.keys, partitionsOf: partitionsOf, what: "stock levels")
        for level in batch.stock { view.setStock(level) }
        return result(ids: batch.stock.map(\.product), responses: responses)
    }

    func delete(product id: String, version: Int64) async throws -> WriteResult {
        var request = WireProductDeleteRequest()
        request.id = id
        request.version = version
        let partition = cluster.shardMap.partition(of: id)
        let requests = Dictionary(uniqueKeysWithValues: cluster.shardMap.replicas(of: partition).map { ($0, request) })
        let responses: [String: WireWriteResponse] = await fanOut(requests, path: "/internal/products/delete")
        try checkQuorum(responses: responses.keys, partitionsOf: requests.mapValues { _ in [partition] }, what: "the deletion")
        view.remove(id, version: version)
        return result(ids: [id], responses: responses)
    }

    /// A record is stale when every replica that answered held it at the same or a newer version.
    private func result(ids: [String], responses: [String: WireWriteResponse]) -> WriteResult {
        var staleCount: [String: Int] = [:]
        for response in responses.values {
            for id in Set(response.staleIds) { staleCount[id, default: 0] += 1 }
        }
        let stale = ids.count { staleCount[$0] == responses.count }
        return WriteResult(applied: ids.count - stale, stale: stale)
    }

    // MARK: Plumbing

    private func checkQuorum(responses: some Sequence<String>, partitionsOf: [String: Set<Int>], what: String) throws(APIError) {
        var acks: [Int: Int] = [:]
        for member in responses {
            for partition in partitionsOf[member] ?? [] { acks[partition, default: 0] += 1 }
        }
        let partitions = Set(partitionsOf.values.flatMap { $0 })
        let short = partitions.filter { partition in
            acks[partition, default: 0] < min(writeQuorum, cluster.shardMap.replicas(of: partition).count)
        }
        guard short.isEmpty else {
            throw APIError(
                status: .serviceUnavailable, field: nil,
                problem: "fewer than \(writeQuorum) replicas stored the \(what) of partitions \(short.sorted()); "
                    + "the write may be retried safely with the same ids"
            )
        }
    }

    private func fanOut<Request: SwiftProtobuf.Message & Sendable, Response: SwiftProtobuf.Message & Sendable>(
        _ requests: [String: Request], path: String
    ) async -> [String: Response] {
        let timeout = self.timeout
        return await withTaskGroup(of: (String, Response?).self) { group in
            for (member, request) in requests {
                group.addTask {
                    do {
                        return (member, try await cluster.call(member, path, request, timeout: timeout))
                    } catch {
                        logger.warning("write to a replica failed", metadata: ["member": "\(member)", "path": "\(path)", "error": "\(error)"])
                        return (member, nil)
                    }
                }
            }
            var responses: [String: Response] = [:]
            for await (member, response) in group {
                if let response { responses[member] = response }
            }
            return responses
        }
    }
}
