import Logging
import Metrics
import NIOCore
import Synchronization
import TailorGossip
import TailorHTTP2
import TailorMembership
import TailorRPC
import TailorTrust
import TailorWire

/// The gateway's calls to nodes, made with the one ``RPCClient`` and routed by the
/// current shard map (recomputed when membership changes, ``update(_:)``), plus a
/// short memory of which members failed lately so that plans prefer the healthy replica.
final class ClusterClient: Sendable {
    private let routing: Mutex<Routing>
    private let client: RPCClient
    private let failures = Mutex<[String: ContinuousClock.Instant]>([:])
    private let health = Mutex(ReplicaHealth())
    /// Hedges sent since start.
    let hedgesSent = Atomic<Int>(0)
    /// How long a member that failed a call is tried only after its healthy peers.
    private let cooldown: Duration = .seconds(2)
    private let partitionCount: Int
    private let replicationFactor: Int

    /// What calls are routed by; replaced as a whole when membership changes.
    struct Routing: Sendable {
        var members: ClusterMembers
        var shardMap: ShardMap
        /// Per partition, its replicas rotated by the partition number: the read order
        /// when every member is healthy.
        var preferred: [[String]]
        var peers: [String: HTTP2Peer]
        /// Members SWIM suspects: read last.
        var suspects: Set<String>

        init(members: ClusterMembers, partitionCount: Int, replicationFactor: Int) {
            self.members = members
            shardMap = members.shardMap(partitionCount: partitionCount, replicationFactor: replicationFactor)
            let map = shardMap
            preferred = (0..<map.partitionCount).map { partition in
                let replicas = map.replicas(of: partition)
                guard !replicas.isEmpty else { return [] }
                let shift = partition % replicas.count
                return Array(replicas[shift...] + replicas[..<shift])
            }
            var peers: [String: HTTP2Peer] = [:]
            for name in map.members {
                if let endpoint = members.endpoint(of: name) { peers[name] = HTTP2Peer(endpoint) }
            }
            self.peers = peers
            suspects = members.suspects
        }
    }

    init(members: [MemberAddress], partitionCount: Int, replicationFactor: Int, client: HTTP2Client, trust: ClusterTrust) {
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        routing = Mutex(Routing(members: ClusterMembers(initial: members), partitionCount: partitionCount, replicationFactor: replicationFactor))
        self.client = RPCClient(client, trust: trust)
    }

    /// The shard map calls are routed by now.
    var shardMap: ShardMap { routing.withLock { $0.shardMap } }

    /// The nodes and what SWIM says of the cluster.
    var members: ClusterMembers { routing.withLock { $0.members } }

    /// Recomputes the routing from SWIM's view (the members named at start stay).
    /// Returns whether the shard map changed.
    @discardableResult
    func update(gossip updates: [SWIMUpdate]) -> Bool {
        routing.withLock { routing in
            var members = routing.members
            members.gossip = updates
            let next = Routing(members: members, partitionCount: partitionCount, replicationFactor: replicationFactor)
            defer { routing = next }
            return next.shardMap != routing.shardMap
        }
    }

    /// Calls `member` and decodes its answer; any failure is a `NodeCallError`, and
    /// one not caused by this caller's cancellation puts `member` last in read orders
    /// for a while. (Untyped `throws`: typed throws across `async` task-group children
    /// miscompiled here in Swift 6.3 and corrupted the values the children returned.)
    func call<Request, Response>(
        _ member: String, _ method: WireMethod<Request, Response>, _ request: Request, timeout: Duration
    ) async throws -> Response {
        let peer = try peer(of: member)
        return try await recordingFailures(of: member) { try await client.call(method, request, on: peer, timeout: timeout) }
    }

    /// ``call(_:_:_:timeout:)`` with the request already encoded (the scatter encodes
    /// its shared part once for every node).
    func call<Request, Response>(
        _ member: String, _ method: WireMethod<Request, Response>, encoded body: ByteBuffer, timeout: Duration
    ) async throws -> Response {
        let peer = try peer(of: member)
        return try await recordingFailures(of: member) { try await client.call(method, encoded: body, on: peer, timeout: timeout) }
    }

    /// A diagnostic call (members' counters for `GET /v1/cluster`): any member SWIM
    /// knows may be asked, and a failure leaves read orders as they are.
    func callForDiagnostics<Request, Response>(
        _ member: String, _ method: WireMethod<Request, Response>, _ request: Request, timeout: Duration
    ) async throws -> Response {
        guard let peer = routing.withLock({ $0.peers[member] ?? $0.members.endpoint(of: member).map(HTTP2Peer.init) })
        else { throw NodeCallError(member: member, message: "unknown member") }
        do {
            return try await client.call(method, request, on: peer, timeout: timeout)
        } catch let error as RPCError {
            throw NodeCallError(member: member, message: error.message, timedOut: error.transport?.code == .deadlineExceeded)
        }
    }

    private func peer(of member: String) throws -> HTTP2Peer {
        guard let peer = routing.withLock({ $0.peers[member] }) else { throw NodeCallError(member: member, message: "unknown member") }
        return peer
    }

    /// Runs one call to `member`, mapping its failure to a `NodeCallError` and keeping
    /// track of which members failed lately.
    private func recordingFailures<Response>(of member: String, _ call: () async throws -> Response) async throws -> Response {
        do {
            let response = try await call()
            failures.withLock { _ = $0.removeValue(forKey: member) }
            return response
        } catch let error as RPCError {
            switch error.code {
            case .requestNotEncoded:
                throw NodeCallError(member: member, message: error.message)
            case .transport:
                let code = error.transport?.code
                if code != .cancelled { markFailed(member) }
                throw NodeCallError(member: member, message: error.message, timedOut: code == .deadlineExceeded)
            case .responseNotDecoded:
                markFailed(member)
                throw NodeCallError(member: member, message: "\(error.cause.map { "\($0)" } ?? error.message)")
            default:
                markFailed(member)
                throw NodeCallError(member: member, message: error.message)
            }
        } catch {
            markFailed(member)
            throw NodeCallError(member: member, message: "\(error)")
        }
    }

    /// Asks the replicas of `partition` in read order until one answers. Each attempt
    /// gets `attemptTimeout`, cut to what is left before `end`; when none answers, the
    /// last failure is thrown.
    func callAnyReplica<Request, Response>(
        of partition: Int, _ method: WireMethod<Request, Response>, _ request: Request,
        attemptTimeout: Duration? = nil, until end: ContinuousClock.Instant? = nil
    ) async throws -> Response {
        var lastError: NodeCallError?
        for member in readOrder(of: partition) {
            var timeout = attemptTimeout ?? .seconds(3_600)
            if let end { timeout = min(timeout, end - .now) }
            guard timeout > .zero else { break }
            do {
                return try await call(member, method, request, timeout: timeout)
            } catch let error as NodeCallError {
                lastError = error
            }
        }
        throw lastError ?? NodeCallError(member: "-", message: "deadline passed", timedOut: true)
    }

    /// The replicas of `partition`, healthy ones first (then suspects and members much
    /// slower than the others lately, then those that declined the partition lately, then
    /// those that failed a call lately); among equals, rotated by the partition number so
    /// that reads spread over all replicas.
    func readOrder(of partition: Int) -> [String] {
        let (rotated, suspected) = routing.withLock { ($0.preferred[partition], $0.suspects) }
        let now = ContinuousClock.now
        let (slow, declining) = health.withLock { ($0.slowMembers, $0.declining(partition, at: now)) }
        return ReplicaHealth.readOrder(rotated, suspects: suspected.union(slow), declining: declining, failed: recentlyFailed())
    }

    /// A scatter that asks only healthy members holding `shopper`'s partition, each for
    /// the catalog partitions it holds, so that they build the situation themselves;
    /// nil when those members do not hold every catalog partition (then the gateway
    /// reads the situation first).
    ///
    /// A holder whose replica of the shopper's partition declined lately (it awaits
    /// hand-off: it would answer `situationUnavailable` for all it was asked) is left out,
    /// and a catalog partition goes to a holder that has not declined it when one can.
    func planWithProfile(of shopper: String) -> [String: [UInt32]]? {
        let failed = recentlyFailed()
        let (map, preferred, suspected) = routing.withLock { ($0.shardMap, $0.preferred, $0.suspects) }
        let now = ContinuousClock.now
        let (suspects, declining) = health.withLock { health in
            (suspected.union(health.slowMembers), preferred.indices.map { health.declining($0, at: now) })
        }
        let shopperPartition = map.partition(of: shopper)
        let holders = Set(map.replicas(of: shopperPartition).filter {
            !failed.contains($0) && !suspects.contains($0) && !declining[shopperPartition].contains($0)
        })
        guard !holders.isEmpty else { return nil }
        let readOrders = preferred.indices.map { partition in
            declining[partition].isEmpty
                ? preferred[partition] : ReplicaHealth.readOrder(preferred[partition], suspects: [], declining: declining[partition], failed: [])
        }
        return ScatterPlan.within(holders, readOrders: readOrders)
    }

    /// Records which of the partitions asked of `member` it answered and which it declined.
    func recordAnswers(_ member: String, asked: some Sequence<Int>, answered: Set<Int>) {
        let now = ContinuousClock.now
        health.withLock { $0.record(member, asked: asked, answered: answered, at: now) }
    }

    /// Records how long a scoring call to `member` took (it answered).
    func recordLatency(_ member: String, _ took: Duration) {
        health.withLock { $0.record(member, took) }
    }

    /// How long to wait for `member` before hedging (its recent p95).
    func hedgeDelay(for member: String) -> Duration {
        health.withLock { $0.hedgeDelay(for: member) }
    }

    /// Whether a hedge may be sent now (hedges are capped to a small share of calls).
    func takeHedge() -> Bool {
        let taken = health.withLock { $0.takeHedge() }
        if taken {
            hedgesSent.add(1, ordering: .relaxed)
            GatewayMetrics.hedges.increment()
            GatewayMetrics.traffic.countHedge()
        }
        return taken
    }

    /// Members' recent scoring p95 in milliseconds.
    var latencyPercentiles: [String: Double] { health.withLock { $0.percentiles } }

    private func recentlyFailed() -> Set<String> {
        let now = ContinuousClock.now
        return failures.withLock { failures in
            guard !failures.isEmpty else { return [] }
            return Set(failures.compactMap { now - $0.value < cooldown ? $0.key : nil })
        }
    }

    private func markFailed(_ member: String) {
        failures.withLock { $0[member] = .now }
    }

    func shutdown() async {
        await client.shutdown()
    }
}

/// A node call that did not produce an answer.
struct NodeCallError: Error, Sendable, CustomStringConvertible {
    var member: String
    var message: String
    var timedOut = false

    var description: String { "\(member): \(message)" }
}
