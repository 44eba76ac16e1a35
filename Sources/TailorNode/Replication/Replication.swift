import HTTPTypes
import Logging
import Synchronization
import TailorCRDT
import TailorGossip
import TailorHTTP2
import TailorMembership
import TailorRPC
import TailorTrust
import TailorStore
import TailorWire

/// Settings of replication between nodes.
package struct ReplicationSettings: Sendable {
    /// How often a node compares digests with every other replica of its partitions.
    package var antiEntropyInterval: Duration = .seconds(10)
    /// Records one pull brings at most (whole buckets; the throttle of hand-off).
    package var maximumRecordsPerPull = 5_000
    /// Pause between two pulls of one pass: hand-off and catch-up leave room for serving.
    package var pullPause: Duration = .milliseconds(5)
    /// How long one replication call may take.
    package var callTimeout: Duration = .seconds(10)

    package static let defaults = ReplicationSettings()
}

/// Keeps a node's replicas equal to the other replicas of the same partitions
/// (DESIGN.md §6): anti-entropy by per-partition digests, catch-up after a restart,
/// hand-off of partitions when the shard map moves, and letting go of partitions
/// the map no longer gives this node once their new owners have everything.
///
/// All of it is one operation, a *pull pass*: send a peer this replica's digest of a
/// partition, store the records it holds in every bucket that differs (they merge:
/// events are a set, registers keep the highest version, erasures win), bucket after
/// bucket, a bounded number of records per call.
final class Replication: Sendable {
    struct Peers: Sendable {
        var map: ShardMap
        var endpoints: [String: Endpoint]
    }

    let member: String
    let data: NodeData
    let client: RPCClient
    let settings: ReplicationSettings
    let logger: Logger
    /// The current shard map and where its members listen (from membership).
    let peers: @Sendable () -> Peers

    struct Counters: Sendable {
        var rounds = 0
        var pulls = 0
        var recordsPulled = 0
        var recordsPushed = 0
        var released: [Int] = []
    }
    let counters = Mutex(Counters())
    /// False while the node stores the demo shop it built in memory: its store holds part
    /// of what its replicas do, so it tells peers its replicas are not complete (a joining
    /// node would hand off from it a partial partition).
    let storeHoldsMemory = Atomic<Bool>(true)

    init(
        member: String, data: NodeData, client: HTTP2Client, trust: ClusterTrust, settings: ReplicationSettings, logger: Logger,
        peers: @escaping @Sendable () -> Peers
    ) {
        self.member = member
        self.data = data
        self.client = RPCClient(client, trust: trust)
        self.settings = settings
        self.logger = logger
        self.peers = peers
    }

    // MARK: Start-up

    /// Catches every replica held up with the other replicas that are reachable and
    /// complete, then marks it complete. A replica no complete peer answers for keeps
    /// what its own store had (every member may be starting at once).
    func catchUpAtStart() async {
        let partitions = data.table.partitions
        let view = peers()
        for peer in view.map.members where peer != member {
            let shared = partitions.filter { view.map.replicas(of: $0).contains(peer) || !view.map.members.contains(member) }
            guard !shared.isEmpty, let endpoint = view.endpoints[peer] else { continue }
            _ = await sync(shared, with: peer, at: endpoint, onlyFromComplete: true)
        }
        for partition in partitions { data.table.markComplete(partition) }
    }

    // MARK: The loop

    /// Hand-off and release twice a second (a map change is acted on at once), and
    /// anti-entropy with every peer each interval.
    func run() async {
        var lastRound = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(500)) } catch { return }
            if ContinuousClock.now - lastRound >= settings.antiEntropyInterval {
                lastRound = .now
                await round()
            } else {
                await handOff()
                await release()
            }
        }
    }

    /// One round (what ``run()`` does each interval).
    func round() async {
        counters.withLock { $0.rounds += 1 }
        await handOff()
        await antiEntropy()
        await release()
    }

    /// Replicas created empty by a map change pull everything from a complete holder.
    /// One that nobody holds (a partition never written) is complete as it is.
    func handOff() async {
        let incomplete = data.table.partitions.filter { data.table[$0]?.complete == false }
        guard !incomplete.isEmpty else { return }
        let view = peers()
        var caughtUp = Set<Int>()
        var held = Set<Int>()
        for peer in view.endpoints.keys.sorted() where peer != member {
            let wanted = incomplete.filter { !caughtUp.contains($0) }
            guard !wanted.isEmpty, let endpoint = view.endpoints[peer] else { continue }
            let outcome = await sync(wanted, with: peer, at: endpoint, onlyFromComplete: true)
            caughtUp.formUnion(outcome.caughtUp)
            held.formUnion(outcome.held)
        }
        for partition in incomplete where caughtUp.contains(partition) || !held.contains(partition) {
            data.table.markComplete(partition)
            logger.notice("partition handed off", metadata: ["partition": "\(partition)", "from a holder": "\(caughtUp.contains(partition))"])
        }
    }

    /// Pulls what each other replica holds that this one lacks.
    func antiEntropy() async {
        let view = peers()
        let complete = data.table.partitions.filter { data.table[$0]?.complete == true }
        for peer in view.map.members where peer != member {
            let shared = complete.filter { view.map.replicas(of: $0).contains(peer) }
            guard !shared.isEmpty, let endpoint = view.endpoints[peer] else { continue }
            _ = await sync(shared, with: peer, at: endpoint, onlyFromComplete: false)
        }
    }

    /// Lets go of replicas the map gives to others, once each new owner holds a complete
    /// replica and has been pushed whatever it still lacked from this one.
    func release() async {
        let view = peers()
        guard view.map.members.contains(member) else { return }  // this node left the map: nothing is certain
        for partition in data.table.partitions where !view.map.replicas(of: partition).contains(member) {
            var handedOver = true
            for owner in view.map.replicas(of: partition) {
                guard let endpoint = view.endpoints[owner], await push(partition, to: owner, at: endpoint) else {
                    handedOver = false
                    break
                }
            }
            guard handedOver else { continue }
            // The map may have changed while pushing: a member that left can give the
            // partition back to this node (found by the chaos suite's join-leave).
            guard !peers().map.replicas(of: partition).contains(member) else { continue }
            await data.table.release(partition)?.catalog.release()
            do { try data.store.drop(partition: partition) } catch {
                logger.error("could not drop a released partition from the store", metadata: ["partition": "\(partition)", "error": "\(error)"])
            }
            counters.withLock { $0.released.append(partition) }
            logger.notice("partition released to its new owners", metadata: ["partition": "\(partition)", "owners": "\(view.map.replicas(of: partition))"])
            // And it may change between that check and the drop, after which no map change
            // would adopt it again: take back whatever the current map gives this node.
            let adopted = data.table.adopt(peers().map, member: member)
            if !adopted.isEmpty {
                logger.notice("partitions adopted again after a release, awaiting hand-off", metadata: ["partitions": "\(adopted)"])
            }
        }
    }

    // MARK: Pull and push

    struct SyncOutcome {
        /// Partitions pulled to the end from a complete holder (or found equal to it).
        var caughtUp: Set<Int> = []
        /// Partitions the peer holds a replica of.
        var held: Set<Int> = []
    }

    /// Compares digests of `partitions` with `peer` and pulls every partition that differs.
    func sync(_ partitions: [Int], with peer: String, at endpoint: Endpoint, onlyFromComplete: Bool) async -> SyncOutcome {
        var outcome = SyncOutcome()
        var request = WireDigestRequest()
        request.partitions = partitions.map(UInt32.init)
        let response: WireDigestResponse
        do {
            response = try await call(WireMethods.syncDigest, request, at: endpoint)
        } catch {
            logger.debug("digest request failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return outcome
        }
        for theirs in response.digests where theirs.held {
            let partition = Int(theirs.partition)
            outcome.held.insert(partition)
            guard !onlyFromComplete || theirs.complete, let digest = theirs.model else { continue }
            var reachedEnd = digest == data.store.digest(of: partition)
            if !reachedEnd { reachedEnd = await pull(partition, from: peer, at: endpoint) }
            if reachedEnd, theirs.complete { outcome.caughtUp.insert(partition) }
        }
        return outcome
    }

    /// One pull pass of `partition` from `peer`; true when it reached the last bucket.
    func pull(_ partition: Int, from peer: String, at endpoint: Endpoint) async -> Bool {
        var start: UInt32 = 0
        while start < UInt32(PartitionDigest.bucketCount) {
            var request = WirePullRequest()
            request.digest = WirePartitionDigest(partition: partition, digest: data.store.digest(of: partition), held: true, complete: false)
            request.startBucket = start
            request.maxRecords = UInt32(settings.maximumRecordsPerPull)
            do {
                let response: WirePullResponse = try await call(WireMethods.syncPull, request, at: endpoint)
                guard response.partition.held else { return false }
                let records = try response.partition.records.map { (partition, try $0.model()) }
                let written = try await data.write(records)
                counters.withLock {
                    $0.pulls += 1
                    $0.recordsPulled += written.stored
                }
                guard response.nextBucket > start else { return false }  // a peer that makes no progress
                start = response.nextBucket
            } catch {
                logger.debug("pull failed", metadata: ["peer": "\(peer)", "partition": "\(partition)", "error": "\(error)"])
                return false
            }
            if start < UInt32(PartitionDigest.bucketCount) { try? await Task.sleep(for: settings.pullPause) }
        }
        return true
    }

    /// Gives `owner` the records of `partition` it lacks; true when it holds a complete
    /// replica that now has everything this one has.
    func push(_ partition: Int, to owner: String, at endpoint: Endpoint) async -> Bool {
        var request = WireDigestRequest()
        request.partitions = [UInt32(partition)]
        do {
            let response: WireDigestResponse = try await call(WireMethods.syncDigest, request, at: endpoint)
            guard let theirs = response.digests.first, theirs.held, theirs.complete, let digest = theirs.model else { return false }
            let buckets = data.store.digest(of: partition).differingBuckets(from: digest)
            var offset = 0
            while offset < buckets.count {
                let slice = Array(buckets[offset..<min(offset + 8, buckets.count)])
                offset += slice.count
                var push = WirePushRequest()
                var records = WirePartitionRecords()
                records.partition = UInt32(partition)
                records.records = try data.store.records(of: partition, buckets: slice).map(WireRecord.init)
                push.partitions = [records]
                let _: WirePushResponse = try await call(WireMethods.syncPush, push, at: endpoint)
                counters.withLock { $0.recordsPushed += records.records.count }
            }
            return true
        } catch {
            logger.debug("push failed", metadata: ["owner": "\(owner)", "partition": "\(partition)", "error": "\(error)"])
            return false
        }
    }

    private func call<Request, Response>(_ method: WireMethod<Request, Response>, _ request: Request, at endpoint: Endpoint) async throws -> Response {
        try await client.call(method, request, on: HTTP2Peer(endpoint), timeout: settings.callTimeout)
    }

    // MARK: Serving peers

    func digests(_ request: WireDigestRequest) -> WireDigestResponse {
        var response = WireDigestResponse()
        response.digests = request.partitions.map { partition in
            let replica = data.table[Int(partition)]
            return WirePartitionDigest(
                partition: Int(partition), digest: data.store.digest(of: Int(partition)),
                held: replica != nil, complete: (replica?.complete ?? false) && storeHoldsMemory.load(ordering: .relaxed)
            )
        }
        return response
    }

    func pull(_ request: WirePullRequest) throws -> WirePullResponse {
        let partition = Int(request.digest.partition)
        guard let theirs = request.digest.model else { throw HTTP2ServerError(.badRequest, "digest does not have \(PartitionDigest.bucketCount) buckets") }
        var response = WirePullResponse()
        response.partition.partition = UInt32(partition)
        response.nextBucket = UInt32(PartitionDigest.bucketCount)
        guard let replica = data.table[partition] else { return response }
        response.partition.held = true
        response.partition.complete = replica.complete && storeHoldsMemory.load(ordering: .relaxed)
        let plan = PullPlan(
            mine: data.store.digest(of: partition), theirs: theirs, start: Int(request.startBucket), maximumRecords: Int(request.maxRecords)
        )
        response.nextBucket = UInt32(plan.nextBucket)
        response.partition.records = try data.store.records(of: partition, buckets: plan.buckets).map(WireRecord.init)
        return response
    }
}
