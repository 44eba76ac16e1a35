import HTTPTypes
import TailorCRDT
import TailorHTTP2
import TailorMembership
import TailorModel
import TailorRPC
import TailorScoring
import TailorStore
import TailorWire

extension NodeHandlers {
    /// Writes of shoppers' events and erasures, of contributions, products and stock, and
    /// the export of a shopper's data. All wait for the node's data.
    func registerWrites(on router: inout HTTP2Router) {
        let ready: @Sendable () throws -> Void = { try requireReady() }
        router.register(WireMethods.eraseShopper, admit: ready) { try await erase($0) }
        router.register(WireMethods.exportShopper, admit: ready) { try await export($0) }
        router.register(WireMethods.linkShopper, admit: ready) { try await link($0) }
        router.register(WireMethods.events, admit: ready) { try await recordEvents($0) }
        router.register(WireMethods.contributions, admit: ready) { try await applyContributions($0) }
        router.register(WireMethods.products, admit: ready) { try await upsertProducts($0) }
        router.register(WireMethods.deleteProduct, admit: ready) { try await deleteProduct($0) }
        router.register(WireMethods.stock, admit: ready) { try await setStock($0) }
    }

    // MARK: Shoppers

    func recordEvents(_ request: WireEventWriteRequest) async throws -> WireEventWriteResponse {
        var records: [(partition: Int, record: ReplicatedRecord)] = []
        var contents: [RecordContent] = []
        for wire in request.events {
            let event: StoredEvent
            do { event = try wire.model() } catch { throw HTTP2ServerError(.badRequest, error.message) }
            let partition = shardMap.partition(of: event.shopper)
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
        response.accepted = UInt32(written.contributions.count)
        response.duplicates = UInt32(request.events.count - written.contributions.count)
        response.signals = written.contributions.map(WireEventSignals.init)
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

    /// Stores that `anonymous`'s history was merged into `user` (held here): a record of
    /// `user` (the latest link time wins), refused when `user` was erased after that time.
    func link(_ request: WireShopperLink) async throws -> WireWriteResponse {
        guard !request.user.isEmpty, !request.anonymous.isEmpty else { throw HTTP2ServerError(.badRequest, "user or anonymous is empty") }
        let partition = shardMap.partition(of: request.user)
        _ = try held(partition)
        let record = ReplicatedRecord.link(of: request.anonymous, into: request.user, atMillis: request.atMillis)
        let written = try await data.write([(partition, record)])
        var response = WireWriteResponse()
        response.applied = UInt32(written.stored)
        if written.stored == 0 {
            response.stale = 1
            response.staleIds = [record.key]
        }
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
        for record in try data.store.links(of: request.user, partition: partition) {
            if case .link(_, let anonymous, _) = try record.content() { response.linked.append(anonymous) }
        }
        if let profile = await replica.shoppers.profile(of: request.user) {
            response.eventCount = UInt64(profile.eventCount)
            response.purchased = profile.purchased
        }
        return response
    }

    // MARK: Catalog

    func applyContributions(_ request: WireSignalsRequest) async throws -> WireSignalsResponse {
        // Each catalog partition stores its part of the batch as one record (keyed by the
        // batch: the same record on every replica of the partition).
        var parts: [Int: [EventContributions]] = [:]
        for wire in request.signals {
            let contributions = wire.model
            for partition in Set(contributions.catalogProducts.map(shardMap.partition(of:))) where table[partition] != nil {
                parts[partition, default: []].append(contributions.restricted(to: partition, partitionOf: shardMap.partition(of:)))
            }
        }
        var records: [(partition: Int, record: ReplicatedRecord)] = []
        var contents: [RecordContent] = []
        for (partition, part) in parts.sorted(by: { $0.key < $1.key }) {
            let key = request.batch.isEmpty ? part.map(\.eventID).joined(separator: ",") : request.batch
            records.append((partition, .contributions(part, key: key)))
            contents.append(.contributions(part, counted: false))
        }
        var response = WireSignalsResponse()
        response.applied = UInt32(try await data.write(records, contents: contents).stored)
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
}
