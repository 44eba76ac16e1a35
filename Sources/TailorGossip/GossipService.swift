public import Logging
public import ServiceLifecycle
public import TailorHTTP2
public import TailorMembership
import HTTPTypes
import NIOCore
import Synchronization
import SwiftProtobuf
import TailorWire

/// The I/O shell around ``SWIMInstance``: feeds it the clock every few tens of
/// milliseconds and every envelope that arrives on `POST /internal/gossip`, and
/// sends what it returns over the cluster's HTTP/2 client. On graceful shutdown it
/// leaves the cluster (tells every reachable member) before returning.
///
/// The instance decides everything; this class only moves bytes and keeps counts.
public final class GossipService: Service, Sendable {
    public let myself: SWIMMember
    private let client: HTTP2Client
    private let logger: Logger
    private let onChange: @Sendable ([SWIMUpdate]) -> Void
    private let state: Mutex<State>
    private let outbox: AsyncStream<Outgoing>.Continuation
    private let outgoing: AsyncStream<Outgoing>
    private let startedAt = ContinuousClock.now
    /// How often the instance's deadlines are checked.
    static let tickInterval = Duration.milliseconds(20)
    /// A gossip message older than this is not worth delivering: SWIM's timers have moved on.
    static let sendTimeout = Duration.milliseconds(500)

    struct State: Sendable {
        var instance: SWIMInstance<ContinuousClock.Instant>
        var traffic = GossipTraffic()
    }

    struct Outgoing: Sendable {
        var body: ByteBuffer
        var peer: HTTP2Peer
    }

    /// - Parameter onChange: called with SWIM's whole view after any member's status changed.
    public init(
        myself: SWIMMember, seeds: [String], settings: SWIMSettings = .defaults, client: HTTP2Client,
        logger: Logger, onChange: @escaping @Sendable ([SWIMUpdate]) -> Void
    ) {
        self.myself = myself
        self.client = client
        self.logger = logger
        self.onChange = onChange
        let instance = SWIMInstance<ContinuousClock.Instant>(
            myself: myself, settings: settings, seeds: seeds, now: .now, randomSeed: UInt64.random(in: .min ... .max)
        )
        state = Mutex(State(instance: instance))
        (outgoing, outbox) = AsyncStream.makeStream(of: Outgoing.self, bufferingPolicy: .bufferingNewest(4_096))
    }

    /// What `GET /v1/cluster` and `/internal/status` show.
    public var snapshot: GossipSnapshot {
        state.withLock { state in
            GossipSnapshot(
                view: state.instance.view, incarnation: state.instance.incarnation, localHealth: state.instance.localHealth,
                statistics: state.instance.statistics, traffic: state.traffic, uptime: ContinuousClock.now - startedAt
            )
        }
    }

    func receive(_ body: ByteBuffer) throws {
        let decoded: WireGossipEnvelope
        do { decoded = try WireGossipEnvelope(wireDecoding: body) } catch {
            throw HTTP2ServerError(.badRequest, "body is not a valid \(WireGossipEnvelope.protoMessageName)")
        }
        guard let envelope = decoded.model else { throw HTTP2ServerError(.badRequest, "gossip envelope without a sender or of an unknown kind") }
        let (directives, view) = state.withLock { state in
            state.traffic.received(bytes: body.readableBytes)
            let directives = state.instance.receive(envelope, now: .now)
            return (directives, state.instance.view)
        }
        perform(directives, view: view)
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.tickUntilShutdown() }
            for await message in outgoing {
                group.addTask { await self.deliver(message) }
            }
        }
    }

    private func tickUntilShutdown() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let (directives, view) = state.withLock { state in (state.instance.tick(now: .now), state.instance.view) }
            perform(directives, view: view)
            try? await Task.sleep(for: Self.tickInterval)
        }
        // Graceful leave: tell everyone reachable, wait for those sends, then let run() end.
        let leaving = state.withLock { $0.instance.leave(now: .now) }
        logger.notice("leaving the cluster", metadata: ["members told": "\(leaving.count)"])
        await withDiscardingTaskGroup { group in
            for message in encode(leaving) { group.addTask { await self.deliver(message) } }
        }
        outbox.finish()
    }

    private func perform(_ directives: [SWIMDirective], view: [SWIMUpdate]) {
        var changed = false
        for directive in directives {
            if case .changed(let change) = directive {
                changed = true
                logger.notice(
                    "member status changed",
                    metadata: [
                        "peer": "\(change.member.name)", "status": "\(change.status.rawValue)",
                        "previous": "\(change.previous?.rawValue ?? "unknown")", "incarnation": "\(change.incarnation)",
                    ]
                )
            }
        }
        for message in encode(directives) { outbox.yield(message) }
        if changed { onChange(view) }
    }

    private func encode(_ directives: [SWIMDirective]) -> [Outgoing] {
        directives.compactMap { directive in
            guard case .send(let envelope, let address) = directive, let endpoint = Endpoint(parsing: address),
                let body = try? WireGossipEnvelope(envelope).wireEncoded()
            else { return nil }
            return Outgoing(body: body, peer: HTTP2Peer(host: endpoint.host, port: endpoint.port))
        }
    }

    private func deliver(_ message: Outgoing) async {
        state.withLock { $0.traffic.sent(bytes: message.body.readableBytes) }
        do {
            var headers = HTTPFields()
            headers[.contentType] = WireContentType
            _ = try await client.call(message.peer, path: "/internal/gossip", headers: headers, body: message.body, timeout: Self.sendTimeout)
        } catch {
            // Lost messages are part of SWIM's model; the protocol's timers deal with them.
            logger.trace("gossip send failed", metadata: ["peer": "\(message.peer)", "error": "\(error)"])
        }
    }
}

/// Bytes and messages on the gossip path, for the measurements and `GET /v1/cluster`.
public struct GossipTraffic: Sendable, Hashable {
    public var messagesSent = 0
    public var bytesSent = 0
    public var messagesReceived = 0
    public var bytesReceived = 0

    mutating func sent(bytes: Int) {
        messagesSent += 1
        bytesSent += bytes
    }

    mutating func received(bytes: Int) {
        messagesReceived += 1
        bytesReceived += bytes
    }
}

public struct GossipSnapshot: Sendable {
    public var view: [SWIMUpdate]
    public var incarnation: UInt64
    public var localHealth: Int
    public var statistics: SWIMStatistics
    public var traffic: GossipTraffic
    public var uptime: Duration
}
