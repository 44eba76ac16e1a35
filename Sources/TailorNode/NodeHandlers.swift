import HTTPTypes
import NIOCore
import SwiftProtobuf
import TailorHTTP2
import TailorMembership
import TailorModel
import TailorCRDT
import TailorScoring
import TailorStore
import TailorWire

/// The node's internal RPCs: protobuf in, protobuf out, over HTTP/2.
struct NodeHandlers: Sendable {
    let member: String
    let shardMap: ShardMap
    let data: NodeData
    let readiness: Readiness
    let replication: Replication
    /// Armed only by the chaos suite (``CrashFailpoint``).
    let failpoint: CrashFailpoint?

    var table: PartitionTable { data.table }

    func router() -> HTTP2Router {
        var router = HTTP2Router()
        router.on(.get, "/internal/ping") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            return HTTP2Response(status: .ok, headers: headers, body: ByteBuffer(string: "pong \(member)\n"))
        }
        router.on(.get, "/internal/status") { _, _ in try await reply(status()) }
        router.on(.get, "/readyz") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            let ready = readiness.isReady
            return HTTP2Response(status: ready ? .ok : .serviceUnavailable, headers: headers, body: ByteBuffer(string: ready ? "ready\n" : "catching up\n"))
        }
        // Replication answers from the store as soon as it is open, before the
        // partitions are loaded: members restarting together can catch up from each other.
        router.on(.post, "/internal/sync/digest") { request, _ in try reply(replication.digests(decodeAnyTime(request))) }
        router.on(.post, "/internal/sync/pull") { request, _ in try reply(replication.pull(decodeAnyTime(request))) }
        router.on(.post, "/internal/sync/push") { request, _ in try await reply(push(decode(request))) }
        router.on(.post, "/internal/users/erase") { request, _ in try await reply(erase(decode(request))) }
        router.on(.post, "/internal/users/export") { request, _ in try await reply(export(decode(request))) }
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
        var records: [(partition: Int, record: ReplicatedRecord)] = []
        var contents: [RecordContent] = []
        for wire in request.events {
            let event: StoredEvent
            do { event = try wire.model() } catch { throw HTTP2ServerError(.badRequest, error.message) }
            let partition = shardMap.partition(of: event.user)
            _ = try held(partition)
            records.append((partition, .event(event)))
            contents.append(.event(event))
        }
        // Committed to the store before the answer: the gateway counts this replica
        // towards the write quorum only then.
        let crash = failpoint?.draw()
        if crash == .beforeCommit { CrashFailpoint.crash(.beforeCommit, member: member) }
        let written = try await data.write(records, contents: contents)
        if crash == .afterCommit { CrashFailpoint.crash(.afterCommit, member: member) }
        var response = WireEventWriteResponse()
        response.accepted = UInt32(written.signals.count)
        response.duplicates = UInt32(request.events.count - written.signals.count)
        response.signals = written.signals.map(WireEventSignals.init)
        return response
    }

    func erase(_ request: WireEraseRequest) async throws -> WireEraseResponse {
        guard !request.user.isEmpty else { throw HTTP2ServerError(.badRequest, "user is empty") }
        let partition = shardMap.partition(of: request.user)
        _ = try held(partition)
        let written = try await data.write([(partition, .erasure(of: request.user, atMillis: request.atMillis))])
        var response = WireEraseResponse()
        response.eventsRemoved = UInt32(written.erasedEvents)
        return response
    }

    func export(_ request: WireExportRequest) async throws -> WireExportResponse {
        let partition = shardMap.partition(of: request.user)
        let replica = try heldComplete(partition)
        let (records, erasedAt) = try data.store.events(of: request.user, partition: partition)
        var response = WireExportResponse()
        for record in records {
            if case .event(let event) = try record.content() { response.events.append(WireEvent(event)) }
        }
        if let erasedAt { response.erasedAtMillis = erasedAt }
        if let profile = await replica.users.profile(of: request.user) {
            response.eventCount = UInt64(profile.eventCount)
            response.purchased = profile.purchased
        }
        return response
    }

    /// Records another replica gives this one (hand-off before it lets go).
    func push(_ request: WirePushRequest) async throws -> WirePushResponse {
        var records: [(partition: Int, record: ReplicatedRecord)] = []
        for entry in request.partitions {
            _ = try held(Int(entry.partition))
            for wire in entry.records {
                do { records.append((Int(entry.partition), try wire.model())) } catch { throw HTTP2ServerError(.badRequest, error.message) }
            }
        }
        var response = WirePushResponse()
        response.stored = UInt32(try await data.write(records).stored)
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
        // Each catalog partition stores its part of the batch as one record (keyed by the
        // batch: the same record on every replica of the partition).
        var parts: [Int: [EventSignals]] = [:]
        for wire in request.signals {
            let signals = wire.model
            for partition in Set(signals.catalogProducts.map(shardMap.partition(of:))) where table[partition] != nil {
                parts[partition, default: []].append(signals.restricted(to: partition, partitionOf: shardMap.partition(of:)))
            }
        }
        var records: [(partition: Int, record: ReplicatedRecord)] = []
        var contents: [RecordContent] = []
        for (partition, part) in parts.sorted(by: { $0.key < $1.key }) {
            let key = request.batch.isEmpty ? part.map(\.eventID).joined(separator: ",") : request.batch
            records.append((partition, .signals(part, key: key)))
            contents.append(.signals(part, counted: false))
        }
        var response = WireSignalsResponse()
        response.applied = UInt32(try await data.write(records, contents: contents).stored)
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
        let records = try request.products.map { wire in
            (partition: try heldPartition(of: wire.id), record: ReplicatedRecord.product(wire.model))
        }
        return try await registerWrite(records)
    }

    func setStock(_ request: WireStockWriteRequest) async throws -> WireWriteResponse {
        let records = try request.stock.map { wire in
            (partition: try heldPartition(of: wire.product), record: ReplicatedRecord.stock(wire.model))
        }
        return try await registerWrite(records)
    }

    func deleteProduct(_ request: WireProductDeleteRequest) async throws -> WireWriteResponse {
        try await registerWrite([(try heldPartition(of: request.id), .deletion(of: request.id, version: request.version))])
    }

    /// Stores last-writer-wins records; those held at the same or a newer version are stale.
    private func registerWrite(_ records: [(partition: Int, record: ReplicatedRecord)]) async throws -> WireWriteResponse {
        let changed = Set(try await data.write(records).keys)
        var response = WireWriteResponse()
        for (_, record) in records where !changed.contains(record.key) { response.staleIds.append(record.key) }
        response.stale = UInt32(response.staleIds.count)
        response.applied = UInt32(records.count) - response.stale
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

    /// Products in one summaries answer when the request names no limit.
    static let summariesPageSize = 2_000
    /// A summaries answer stops once its products' text passes this, far under the
    /// wire's message limit (4 MiB) whatever the products' titles and attributes.
    static let summariesPageBytes = 1 << 20

    /// The gateway's inventory view, a page at a time: the requested partitions in
    /// order, the first from `first_row`, until the page is full (then `resume_*` says
    /// where to go on). Partitions this node does not hold are passed over.
    func summaries(_ request: WireSummariesRequest) async throws -> WireSummariesResponse {
        var response = WireSummariesResponse()
        var room = request.limit == 0 ? Self.summariesPageSize : Int(request.limit)
        var bytes = Self.summariesPageBytes
        for (position, partition) in request.partitions.enumerated() {
            guard let replica = table[Int(partition)] else { continue }
            let first = position == 0 ? Int(request.firstRow) : 0
            let page = await replica.catalog.summaries(from: first, limit: room, byteBudget: bytes)
            for summary in page.summaries {
                var wire = WireProductSummary()
                wire.id = summary.id
                wire.title = summary.title
                wire.category = summary.category
                wire.brand = summary.brand
                wire.price = summary.price
                if let stock = summary.stock { wire.stock = stock }
                if let version = summary.stockVersion { wire.stockVersion = version }
                wire.version = summary.version
                wire.features = summary.features
                response.products.append(wire)
                bytes -= summary.estimatedBytes
            }
            room -= page.summaries.count
            if let next = page.next {
                response.resumePartition = partition
                response.resumeRow = UInt32(clamping: next)
                return response
            }
            response.partitions.append(partition)
            if room <= 0 || bytes <= 0 {
                // Full at a partition's end: the next request starts with the next partition.
                if position + 1 < request.partitions.count {
                    response.resumePartition = request.partitions[position + 1]
                    response.resumeRow = 0
                }
                return response
            }
        }
        return response
    }

    // MARK: Status

    func status() async -> WireNodeStatus {
        var status = WireNodeStatus()
        status.member = member
        status.ready = readiness.isReady
        status.storedRecords = UInt64(data.store.recordCount)
        for partition in table.partitions {
            guard let replica = table[partition] else { continue }
            status.partitions.append(UInt32(partition))
            if !replica.complete { status.incompletePartitions.append(UInt32(partition)) }
            status.products += UInt64(await replica.catalog.productCount)
            status.shoppers += UInt64(await replica.users.shopperCount)
            status.events += UInt64(await replica.users.eventCount)
        }
        return status
    }

    // MARK: Plumbing

    private func heldPartition(of key: String) throws -> Int {
        let partition = shardMap.partition(of: key)
        _ = try held(partition)
        return partition
    }

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

    /// Data calls wait for the node's data: before it is loaded they would see empty
    /// partitions. (Reads also wait for catch-up: replicas are complete only then.)
    private func requireReady() throws {
        guard readiness.isLoaded else { throw HTTP2ServerError(.serviceUnavailable, "member \(member) is still loading its partitions") }
    }

    private func decode<Message: SwiftProtobuf.Message>(_ request: HTTP2ServerRequest) throws -> Message {
        try requireReady()
        return try decodeAnyTime(request)
    }

    private func decodeAnyTime<Message: SwiftProtobuf.Message>(_ request: HTTP2ServerRequest) throws -> Message {
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
