import Foundation
import HTTPTypes
import Metrics
import TailorMembership
import TailorModel
import TailorWire

// Anonymous to known: an anonymous shopper's history merged into a known shopper's, and
// the erasure of a known shopper taking the anonymous shoppers merged into it along.
extension WriteRouter {
    /// Merges `anonymous`'s history into `shopper`'s on every replica of `shopper`'s
    /// partition; idempotent (``IdentityMerge``).
    ///
    /// 1. The link is stored first, as a record of `shopper` (W replicas), so that an
    ///    erasure of `shopper` from then on also erases `anonymous`.
    /// 2. `anonymous`'s events are read from every replica of its partition that answers
    ///    (the export path; their union, so a replica that missed a write misses nothing).
    /// 3. They are written as `shopper`'s events with derived ids, to W replicas;
    ///    anti-entropy brings them to the rest. Their popularity and co-occurrence were
    ///    counted when `anonymous` sent them, so the copy adds to neither.
    func merge(anonymous: String, into shopper: String) async throws -> IdentityMergeResult {
        let atMillis = Int64(Date().timeIntervalSince1970 * 1000)
        var link = WireShopperLink()
        link.user = shopper
        link.anonymous = anonymous
        link.atMillis = atMillis
        _ = try await writeToReplicas(of: shopper, WireMethods.linkShopper, link, what: "link")

        let history = try await allReplicasExport(of: anonymous).events
        let copies = IdentityMerge.events(history, of: anonymous, into: shopper)
        guard !copies.isEmpty else { return IdentityMergeResult(shopper: shopper, anonymousId: anonymous, merged: 0, duplicates: 0) }
        // In batches of the API's size, so a long history stays within the wire's message limit.
        var new = Set<String>()
        for start in stride(from: 0, to: copies.count, by: Limits.maximumEventsPerBatch) {
            let part = copies[start..<min(start + Limits.maximumEventsPerBatch, copies.count)]
            let (requests, partitionsOf) = plan(Array(part), key: \.shopper, into: WireEventWriteRequest()) { $0.events.append(WireEvent($1)) }
            let responses: [String: WireEventWriteResponse] = await fanOut(requests, WireMethods.events, partitionsOf: partitionsOf)
            try checkQuorum(responses: responses.keys, partitionsOf: partitionsOf, what: "merged events")
            for response in responses.values { new.formUnion(response.signals.map(\.eventID)) }
        }
        GatewayMetrics.identityMerges.increment()
        GatewayMetrics.eventsMerged.increment(by: new.count)
        return IdentityMergeResult(shopper: shopper, anonymousId: anonymous, merged: new.count, duplicates: copies.count - new.count)
    }

    /// Merges each (anonymous, known) pair of a batch's events that this gateway has not
    /// merged recently (``RecentMerges``); a pair is remembered once merged.
    func mergeAnnounced(_ pairs: [(anonymous: String, shopper: String)], recent: RecentMerges) async throws {
        var seen = Set<[String]>()
        for pair in pairs where pair.anonymous != pair.shopper && seen.insert([pair.anonymous, pair.shopper]).inserted {
            guard !recent.contains(anonymous: pair.anonymous, shopper: pair.shopper) else { continue }
            _ = try await merge(anonymous: pair.anonymous, into: pair.shopper)
            recent.remember(anonymous: pair.anonymous, shopper: pair.shopper)
        }
    }

    /// Erases a shopper, and first every shopper merged into it (and those merged into
    /// them), each exactly as `DELETE /v1/users/{id}` erases one: a tombstone on every
    /// replica of its partition. The links are read before anything is erased, so a
    /// 503 on the way leaves them in place for the retry.
    func erase(shopper: String) async throws -> ShopperErasure {
        let erasedAt = Date()
        var linked: [String] = []
        var visited: Set<String> = [shopper]
        var next = [shopper]
        while !next.isEmpty {
            var found: [String] = []
            for member in next {
                for anonymous in try await allReplicasExport(of: member).linked where visited.insert(anonymous).inserted {
                    found.append(anonymous)
                }
            }
            linked += found
            next = found
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for anonymous in linked {
                group.addTask { _ = try await eraseRecords(of: anonymous, at: erasedAt) }
            }
            try await group.waitForAll()
        }
        var erasure = try await eraseRecords(of: shopper, at: erasedAt)
        erasure.linkedShoppers = linked.count
        return erasure
    }

    /// What the replicas of `shopper`'s partition hold about them, united: the events
    /// (each id once) and the anonymous shoppers linked to them. At least one complete
    /// replica must answer (else 503: nothing can be said about what is held).
    func allReplicasExport(of shopper: String) async throws -> (events: [StoredEvent], linked: [String]) {
        var export = WireExportRequest()
        export.user = shopper
        let request = export
        let partition = cluster.shardMap.partition(of: shopper)
        let replicas = cluster.shardMap.replicas(of: partition)
        let cluster = self.cluster
        let timeout = self.timeout
        let answers = await withTaskGroup(of: WireExportResponse?.self) { group in
            for member in replicas {
                group.addTask {
                    try? await cluster.call(member, WireMethods.exportShopper, request, timeout: timeout)
                }
            }
            var answers: [WireExportResponse] = []
            for await answer in group { if let answer { answers.append(answer) } }
            return answers
        }
        guard !answers.isEmpty else {
            throw APIError(
                status: .serviceUnavailable, field: nil,
                problem: "no complete replica of partition \(partition) answered; the request may be retried safely"
            )
        }
        var events: [String: StoredEvent] = [:]
        var linked: [String] = []
        for answer in answers {
            for wire in answer.events {
                guard let event = try? wire.model() else { continue }
                events[event.id] = event
            }
            for anonymous in answer.linked where !linked.contains(anonymous) { linked.append(anonymous) }
        }
        return (Array(events.values), linked)
    }
}
