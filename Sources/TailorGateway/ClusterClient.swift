import HTTPTypes
import Logging
import NIOCore
import SwiftProtobuf
import Synchronization
import TailorHTTP2
import TailorMembership
import TailorWire

/// The gateway's calls to nodes: protobuf over ``HTTP2Client``, plus a short memory
/// of which members failed lately so that plans prefer the healthy replica.
final class ClusterClient: Sendable {
    let shardMap: ShardMap
    private let peers: [String: HTTP2Peer]
    private let client: HTTP2Client
    private let failures = Mutex<[String: ContinuousClock.Instant]>([:])
    /// How long a member that failed a call is tried only after its healthy peers.
    private let cooldown: Duration = .seconds(2)

    /// Per partition, its replicas rotated by the partition number: the read order
    /// when every member is healthy, computed once (the shard map is fixed).
    private let preferred: [[String]]

    init(shardMap: ShardMap, members: [MemberAddress], client: HTTP2Client) {
        self.shardMap = shardMap
        self.preferred = (0..<shardMap.partitionCount).map { partition in
            let replicas = shardMap.replicas(of: partition)
            guard !replicas.isEmpty else { return [] }
            let shift = partition % replicas.count
            return Array(replicas[shift...] + replicas[..<shift])
        }
        self.peers = Dictionary(uniqueKeysWithValues: members.map { ($0.name, HTTP2Peer(host: $0.host, port: $0.port)) })
        self.client = client
    }

    /// Calls `member` and decodes its answer; any failure is a `NodeCallError`.
    /// (Untyped `throws`: typed throws across `async` task-group children miscompiled
    /// here in Swift 6.3 and corrupted the values the children returned.)
    func call<Response: SwiftProtobuf.Message>(
        _ member: String, _ path: String, _ message: some SwiftProtobuf.Message, timeout: Duration,
        method: HTTPRequest.Method = .post, as: Response.Type = Response.self
    ) async throws -> Response {
        let body: ByteBuffer
        do {
            body = method == .get ? ByteBuffer() : try message.wireEncoded()
        } catch {
            throw NodeCallError(member: member, message: "could not encode the request: \(error)")
        }
        return try await call(member, path, body: body, timeout: timeout, method: method)
    }

    /// ``call(_:_:_:timeout:method:as:)`` with the request already encoded (the
    /// scatter encodes its shared part once for every node).
    func call<Response: SwiftProtobuf.Message>(
        _ member: String, _ path: String, body: ByteBuffer, timeout: Duration,
        method: HTTPRequest.Method = .post, as: Response.Type = Response.self
    ) async throws -> Response {
        guard let peer = peers[member] else { throw NodeCallError(member: member, message: "unknown member") }
        do {
            var headers = HTTPFields()
            headers[.contentType] = WireContentType
            let response = try await client.call(peer, method: method, path: path, headers: headers, body: body, timeout: timeout)
            guard response.status == .ok else {
                let text = String(buffer: response.body)
                throw NodeCallError(member: member, message: "answered \(response.status.code): \(text.prefix(200))")
            }
            let decoded = try Response(wireDecoding: response.body)
            failures.withLock { _ = $0.removeValue(forKey: member) }
            return decoded
        } catch let error as NodeCallError {
            markFailed(member)
            throw error
        } catch let error as HTTP2CallError {
            if error.code != .cancelled { markFailed(member) }
            throw NodeCallError(member: member, message: "\(error.code)", timedOut: error.code == .deadlineExceeded)
        } catch {
            markFailed(member)
            throw NodeCallError(member: member, message: "\(error)")
        }
    }

    /// Asks the replicas of `partition` in read order until one answers. Each attempt
    /// gets `attemptTimeout`, cut to what is left before `end`; when none answers, the
    /// last failure is thrown.
    func callAnyReplica<Response: SwiftProtobuf.Message>(
        of partition: Int, _ path: String, _ message: some SwiftProtobuf.Message,
        attemptTimeout: Duration? = nil, until end: ContinuousClock.Instant? = nil
    ) async throws -> Response {
        var lastError: NodeCallError?
        for member in readOrder(of: partition) {
            var timeout = attemptTimeout ?? .seconds(3_600)
            if let end { timeout = min(timeout, end - .now) }
            guard timeout > .zero else { break }
            do {
                return try await call(member, path, message, timeout: timeout)
            } catch let error as NodeCallError {
                lastError = error
            }
        }
        throw lastError ?? NodeCallError(member: "-", message: "deadline passed", timedOut: true)
    }

    /// The replicas of `partition`, healthy ones first; among equals, rotated by the
    /// partition number so that reads spread over all replicas.
    func readOrder(of partition: Int) -> [String] {
        let rotated = preferred[partition]
        let failed = recentlyFailed()
        if failed.isEmpty { return rotated }
        return rotated.filter { !failed.contains($0) } + rotated.filter { failed.contains($0) }
    }

    /// A scatter that asks only healthy members holding `user`'s partition, each for
    /// the catalog partitions it holds, so that they build the situation themselves;
    /// nil when those members do not hold every catalog partition (then the gateway
    /// reads the situation first).
    func planWithProfile(of user: String) -> [String: [UInt32]]? {
        let failed = recentlyFailed()
        let holders = Set(shardMap.replicas(ofKey: user).filter { !failed.contains($0) })
        guard !holders.isEmpty else { return nil }
        return ScatterPlan.within(holders, readOrders: preferred)
    }

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
