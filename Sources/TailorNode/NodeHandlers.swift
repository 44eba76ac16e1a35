import HTTPTypes
import NIOCore
import SwiftProtobuf
import TailorHTTP2
import TailorMembership
import TailorModel
import TailorScoring
import TailorWire

/// The node's internal RPCs: protobuf in, protobuf out, over HTTP/2.
struct NodeHandlers: Sendable {
    let member: String
    let shardMap: ShardMap
    let table: PartitionTable
    let readiness: Readiness

    func router() -> HTTP2Router {
        var router = HTTP2Router()
        router.on(.get, "/internal/ping") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            return HTTP2Response(status: .ok, headers: headers, body: ByteBuffer(string: "pong \(member)\n"))
        }
        router.on(.get, "/internal/status") { _, _ in try await reply(status()) }
        router.on(.post, "/internal/events") { request, _ in try await reply(recordEvents(decode(request))) }
        router.on(.post, "/internal/signals") { request, _ in try await reply(applySignals(decode(request))) }
        router.on(.post, "/internal/situation") { request, _ in try await reply(situation(decode(request))) }
        router.on(.post, "/internal/score") { request, _ in try await reply(score(decode(request))) }
        router.on(.post, "/internal/products") { request, _ in try await reply(upsertProducts(decode(request))) }
        router.on(.post, "/internal/products/delete") { request, _ in try await reply(deleteProduct(decode(request))) }
        router.on(.post, "/internal/products/get") { request, _ in try await reply(getProduct(decode(request))) }
        router.on(.post, "/internal/stock") { request, _ in try await reply(setStock(decode(request))) }
        router.on(.post, "/internal/catalog/summaries") { request, _ in try await reply(summaries(decode(request))) }
        return router
    }

    // MARK: Shoppers

    func recordEvents(_ request: WireEventWriteRequest) async throws -> WireEventWriteResponse {
        var byPartition: [Int: [StoredEvent]] = [:]
        for wire in request.events {
            let event: StoredEvent
            do { event = try wire.model() } catch { throw HTTP2ServerError(.badRequest, error.message) }
            byPartition[shardMap.partition(of: event.user), default: []].append(event)
        }
        var response = WireEventWriteResponse()
        for (partition, events) in byPartition {
            let result = try await held(partition).users.record(events)
            response.accepted += UInt32(result.accepted)
            response.duplicates += UInt32(result.duplicates)
            response.signals.append(contentsOf: result.signals.map(WireEventSignals.init))
        }
        return response
    }

    func situation(_ request: WireSituationRequest) async throws -> WireSituationResponse {
        let replica = try heldComplete(shardMap.partition(of: request.user))
        var response = WireSituationResponse()
        if let situation = await replica.users.situation(of: request.user, nowMillis: request.nowMillis) {
            response.known = true
            response.situation = WireSituation(situation)
        }
        return response
    }

    // MARK: Catalog

    func applySignals(_ request: WireSignalsRequest) async throws -> WireSignalsResponse {
        var byPartition: [Int: [EventSignals]] = [:]
        for wire in request.signals {
            let signals = wire.model
            for partition in Set(signals.catalogProducts.map(shardMap.partition(of:))) where table[partition] != nil {
                byPartition[partition, default: []].append(signals)
            }
        }
        var response = WireSignalsResponse()
        for (partition, signals) in byPartition {
            response.applied += UInt32(await table[partition]?.catalog.apply(signals) ?? 0)
        }
        return response
    }

    func score(_ request: WireScoreRequest) async throws -> WireScoreResponse {
        guard let placement = Placement(rawValue: request.placement) else {
            throw HTTP2ServerError(.badRequest, "unknown placement '\(request.placement)'")
        }
        let situation: Situation
        if request.user.isEmpty {
            situation = request.situation.model
        } else {
            // The gateway sends the shopper instead of their situation to members
            // that hold the shopper's partition (scoring.proto, ScoreRequest).
            // A replica that is not here (the caller's shard map is ahead of this node's,
            // moments after a membership change) or still awaits hand-off: the caller sends
            // the situation instead (this node scores nothing now; it is asked again with it).
            try requireReady()
            guard let replica = table[shardMap.partition(of: request.user)], replica.complete else {
                var response = WireScoreResponse()
                response.situationUnavailable = true
                return response
            }
            let users = replica.users
            let profile = await users.situation(of: request.user, nowMillis: request.nowMillis) ?? Situation()
            situation = SituationBuilder.merge(profile: profile, context: request.context.model(placement: placement))
        }
        let query = ScoringQuery(
            situation: situation, weights: request.weights.model, k: Int(request.k),
            filters: request.filters.model, placement: placement, nowMillis: request.nowMillis, mix: request.mix
        )
        var gather = PartitionGather(query: table.vocabulary.prepare(query))
        var response = WireScoreResponse()
        for partition in request.partitions {
            // A replica still awaiting hand-off would answer from partial data: left
            // unanswered, so the gateway asks another replica.
            guard let replica = table[Int(partition)], replica.complete else { continue }
            gather.add(await replica.catalog.score(gather.next))
            response.answered.append(partition)
        }
        let merged = gather.merged()
        response.ranked = merged.ranked.map(WireCandidate.init)
        response.trending = merged.trending.map(WireCandidate.init)
        response.discovery = merged.discovery.map(WireCandidate.init)
        return response
    }

    func upsertProducts(_ request: WireProductWriteRequest) async throws -> WireWriteResponse {
        var byPartition: [Int: [Product]] = [:]
        for wire in request.products { byPartition[shardMap.partition(of: wire.id), default: []].append(wire.model) }
        var response = WireWriteResponse()
        for (partition, products) in byPartition {
            let stale = try await held(partition).catalog.upsert(products)
            response.applied += UInt32(products.count - stale.count)
            response.stale += UInt32(stale.count)
            response.staleIds.append(contentsOf: stale)
        }
        return response
    }

    func setStock(_ request: WireStockWriteRequest) async throws -> WireWriteResponse {
        var byPartition: [Int: [StockLevel]] = [:]
        for wire in request.stock { byPartition[shardMap.partition(of: wire.product), default: []].append(wire.model) }
        var response = WireWriteResponse()
        for (partition, levels) in byPartition {
            let stale = try await held(partition).catalog.setStock(levels)
            response.applied += UInt32(levels.count - stale.count)
            response.stale += UInt32(stale.count)
            response.staleIds.append(contentsOf: stale)
        }
        return response
    }

    func deleteProduct(_ request: WireProductDeleteRequest) async throws -> WireWriteResponse {
        let removed = try await held(shardMap.partition(of: request.id)).catalog.remove(request.id, version: request.version)
        var response = WireWriteResponse()
        if removed { response.applied = 1 } else {
            response.stale = 1
            response.staleIds = [request.id]
        }
        return response
    }

    func getProduct(_ request: WireProductGetRequest) async throws -> WireProductGetResponse {
        var response = WireProductGetResponse()
        if let found = try await held(shardMap.partition(of: request.id)).catalog.product(request.id) {
            response.found = true
            response.product = WireProduct(found.product)
            if let stock = found.stock { response.stock = WireStockLevel(stock) }
        }
        return response
    }

    func summaries(_ request: WireSummariesRequest) async throws -> WireSummariesResponse {
        var response = WireSummariesResponse()
        for partition in request.partitions {
            guard let replica = table[Int(partition)] else { continue }
            for summary in await replica.catalog.summaries() {
                var wire = WireProductSummary()
                wire.id = summary.id
                wire.title = summary.title
                wire.category = summary.category
                wire.brand = summary.brand
                wire.price = summary.price
                if let stock = summary.stock { wire.stock = stock }
                if let version = summary.stockVersion { wire.stockVersion = version }
                wire.version = summary.version
                response.products.append(wire)
            }
            response.partitions.append(partition)
        }
        return response
    }

    // MARK: Status

    func status() async -> WireNodeStatus {
        var status = WireNodeStatus()
        status.member = member
        status.ready = readiness.isReady
        for partition in table.partitions {
            guard let replica = table[partition] else { continue }
            status.partitions.append(UInt32(partition))
            status.products += UInt64(await replica.catalog.productCount)
            status.shoppers += UInt64(await replica.users.shopperCount)
            status.events += UInt64(await replica.users.eventCount)
        }
        return status
    }

    // MARK: Plumbing

    /// The replica of `partition` on this node; a request for one it does not hold was
    /// routed with a different shard map, which the caller must hear about.
    private func held(_ partition: Int) throws -> PartitionTable.Replica {
        try requireReady()
        guard let replica = table[partition] else {
            throw HTTP2ServerError(.misdirectedRequest, "member \(member) holds no replica of partition \(partition)")
        }
        return replica
    }

    /// ``held(_:)`` for reads: a replica created by a membership change has not received
    /// its data yet (hand-off), so another replica must answer.
    private func heldComplete(_ partition: Int) throws -> PartitionTable.Replica {
        let replica = try held(partition)
        guard replica.complete else {
            throw HTTP2ServerError(.serviceUnavailable, "member \(member) awaits the hand-off of partition \(partition)")
        }
        return replica
    }

    /// Data calls wait for the node's data: before it is loaded they would see empty partitions.
    private func requireReady() throws {
        guard readiness.isReady else { throw HTTP2ServerError(.serviceUnavailable, "member \(member) is still loading its partitions") }
    }

    private func decode<Message: SwiftProtobuf.Message>(_ request: HTTP2ServerRequest) throws -> Message {
        try requireReady()
        do {
            return try Message(wireDecoding: request.body)
        } catch {
            throw HTTP2ServerError(.badRequest, "body is not a valid \(Message.protoMessageName)")
        }
    }

    private func reply(_ message: some SwiftProtobuf.Message) throws -> HTTP2Response {
        var headers = HTTPFields()
        headers[.contentType] = WireContentType
        return HTTP2Response(status: .ok, headers: headers, body: try message.wireEncoded())
    }
}
