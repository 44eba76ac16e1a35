import Metrics
import Logging
import ServiceLifecycle
import TailorHTTP2
import TailorMembership
import Foundation
import HTTPTypes
import Synchronization
import TailorCRDT
import TailorRPC
import TailorTrust
import TailorWire

/// The I/O shell around ``SWIMInstance``: feeds it the clock every few tens of
/// milliseconds and every envelope that arrives on `POST /internal/gossip`, and
/// sends what it returns over the cluster's HTTP/2 client. On graceful shutdown it
/// leaves the cluster (tells every reachable member) before returning.
///
/// The instance decides everything; this class only moves bytes and keeps counts.
package final class GossipService: Service, Sendable {
    package let myself: SWIMMember
    private let client: RPCClient
    private let logger: Logger
    private let onChange: @Sendable ([SWIMUpdate]) -> Void
    private let onCounters: @Sendable (CounterUpdate) -> Void
    private let inventory: (any InventoryReplica)?
    /// Whether the other members refuse this one's signature (see ``refusedByPeers``).
    private let refusal = Mutex<Refusal>(Refusal())
    private let state: Mutex<State>
    private let outbox: AsyncStream<Outgoing>.Continuation
    private let outgoing: AsyncStream<Outgoing>
    private let startedAt = ContinuousClock.now
    /// How often the instance's deadlines are checked.
    static let tickInterval = Duration.milliseconds(20)
    /// A gossip message older than this is not worth delivering: SWIM's timers have moved on.
    static let sendTimeout = Duration.milliseconds(500)

    /// Counters go out every gossip interval (the delta) and every second (the digest, to one member).
    static let chunkInterval = Duration.seconds(1)

    struct State: Sendable {
        var instance: SWIMInstance<ContinuousClock.Instant>
        var counters: CounterGossip
        var traffic = GossipTraffic()
        var nextDeltaAt = ContinuousClock.now
        var nextChunkAt = ContinuousClock.now
    }

    struct Outgoing: Sendable {
        var body: WireEncodedMessage
        var peer: HTTP2Peer

        /// `envelope` encoded for the member at `address` (`host:port`); nil when either is not valid.
        init?(_ envelope: WireGossipEnvelope, to address: String) {
            guard let endpoint = Endpoint(parsing: address), let body = try? WireEncodedMessage(encoding: envelope) else { return nil }
            self.body = body
            peer = HTTP2Peer(endpoint)
        }
    }

    /// - Parameters:
    ///   - onChange: called with SWIM's whole view after any member's status changed.
    ///   - onCounters: called with the products whose counters grew (counted here or
    ///     merged from another member) and their new sums.
    ///   - inventory: a gateway's catalog mirror, gossiped with the other gateways.
    package init(
        myself: SWIMMember, seeds: [String], settings: SWIMSettings = .defaults, client: HTTP2Client, trust: ClusterTrust,
        logger: Logger, onChange: @escaping @Sendable ([SWIMUpdate]) -> Void,
        onCounters: @escaping @Sendable (CounterUpdate) -> Void = { _ in },
        inventory: (any InventoryReplica)? = nil
    ) {
        self.inventory = inventory
        self.myself = myself
        self.client = RPCClient(client, trust: trust)
        self.logger = logger
        self.onChange = onChange
        self.onCounters = onCounters
        let instance = SWIMInstance<ContinuousClock.Instant>(
            myself: myself, settings: settings, seeds: seeds, now: .now, randomSeed: UInt64.random(in: .min ... .max)
        )
        let counters = CounterGossip(slot: SlotID(member: myself.name, incarnation: myself.id.generation), landmark: Self.nowMillis)
        state = Mutex(State(instance: instance, counters: counters))
        (outgoing, outbox) = AsyncStream.makeStream(of: Outgoing.self, bufferingPolicy: .bufferingNewest(4_096))
    }

    /// What `GET /v1/cluster` and `/internal/status` show.
    package var snapshot: GossipSnapshot {
        state.withLock { state in
            GossipSnapshot(
                view: state.instance.view, incarnation: state.instance.incarnation, localHealth: state.instance.localHealth,
                statistics: state.instance.statistics, traffic: state.traffic, uptime: ContinuousClock.now - startedAt,
                counterProducts: state.counters.table.productCount, counterLandmark: state.counters.table.landmark,
                counterDigest: state.counters.table.digestHash
            )
        }
    }

    func receive(_ body: WireEncodedMessage) throws {
        let decoded: WireGossipEnvelope
        do { decoded = try body.decode(as: WireGossipEnvelope.self) } catch {
            throw HTTP2ServerError(.badRequest, "body is not a valid \(WireGossipEnvelope.protoMessageName)")
        }
        guard let envelope = decoded.model else { throw HTTP2ServerError(.badRequest, "gossip envelope without a sender or of an unknown kind") }
        let (directives, view, counted, answers) = state.withLock { state in
            state.traffic.received(bytes: body.bytes.count)
            let directives = state.instance.receive(envelope, now: .now)
            var counted: CounterUpdate?
            if decoded.hasCounters, let grown = state.counters.receive(decoded.counters.model, nowMillis: Self.nowMillis), !grown.isEmpty {
                counted = Self.update(of: grown, in: state.counters.table)
            }
            let answers = decoded.hasCounterDigest ? antiEntropyAnswers(to: decoded.counterDigest, from: envelope.from, &state) : []
            return (directives, state.instance.view, counted, answers)
        }
        perform(directives, view: view)
        for message in answers { outbox.yield(message) }
        if let counted { onCounters(counted) }
        if decoded.hasInventory { inventory?.mergeInventory(decoded.inventory) }
    }

    /// Counts interactions accepted by this member (the gateway that accepted the
    /// events): into this member's own slot, once per event and product.
    package func count(_ interactions: [(product: String, weight: Double, atMillis: Int64, eventID: String)]) {
        let counted: CounterUpdate? = state.withLock { state in
            var grown = Set<String>()
            for entry in interactions
            where state.counters.count(product: entry.product, weight: entry.weight, atMillis: entry.atMillis, eventID: entry.eventID) {
                grown.insert(entry.product)
            }
            return grown.isEmpty ? nil : Self.update(of: grown, in: state.counters.table)
        }
        if let counted { onCounters(counted) }
    }

    /// This member's `count` most popular products now.
    package func mostPopular(_ count: Int) -> [String] {
        let now = Self.nowMillis
        return state.withLock { $0.counters.table.mostPopular(count, nowMillis: now) }
    }

    /// Popularity and trend of `products` now, as this member's counters read.
    package func counters(of products: [String]) -> [(product: String, popularity: Double, trend: Double)] {
        let now = Self.nowMillis
        return state.withLock { state in
            products.map { ($0, state.counters.table.popularity(of: $0, nowMillis: now), state.counters.table.trendCount(of: $0, nowMillis: now)) }
        }
    }

    private static func update(of products: Set<String>, in table: CounterTable) -> CounterUpdate {
        CounterUpdate(landmark: table.landmark, sums: products.sorted().compactMap { product in table.sums(of: product).map { (product, $0) } })
    }

    static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// This round's counter messages: the delta to a few members, catch-up chunks to
    /// members that came back, and every second the digest to one member.
    private func counterRound(_ state: inout State, now: ContinuousClock.Instant) -> [Outgoing] {
        var outgoing: [Outgoing] = []
        // Each message also carries the membership updates pending (piggybacked).
        func send(to members: [SWIMMember], _ state: inout State, payload: (inout WireGossipEnvelope) -> Void) {
            for member in members {
                var envelope = WireGossipEnvelope(state.instance.gossipEnvelope())
                payload(&envelope)
                if let message = Outgoing(envelope, to: member.address) { outgoing.append(message) }
            }
        }
        let deltaDue = now >= state.nextDeltaAt
        if deltaDue {
            state.nextDeltaAt = now + state.instance.settings.gossipInterval
            if let delta = state.counters.delta() {
                let wire = WireCounterState(delta)
                send(to: state.instance.gossipTargets(count: state.instance.settings.gossipFanout), &state) { $0.counters = wire }
            }
            for (address, chunk) in state.counters.catchUpChunks() {
                var envelope = WireGossipEnvelope(state.instance.gossipEnvelope())
                envelope.counters = WireCounterState(chunk)
                if let message = Outgoing(envelope, to: address) { outgoing.append(message) }
            }
        }
        let chunkDue = now >= state.nextChunkAt
        if chunkDue {
            state.nextChunkAt = now + Self.chunkInterval
            // Sent even when empty: a member that holds nothing pulls everything this way.
            var digest = WireCounterDigest()
            digest.buckets = state.counters.digest
            send(to: state.instance.gossipTargets(count: 1), &state) { $0.counterDigest = digest }
        }
        // Inventory goes to the other gateways only (nodes hold the products themselves):
        // every change to each of them, and a chunk of the whole view to one now and then.
        if let inventory, deltaDue {
            let gateways = state.instance.view.filter {
                $0.member.role == .gateway && $0.status.holdsData && $0.member.name != myself.name
            }.map(\.member)
            if !gateways.isEmpty {
                if let delta = inventory.inventoryDelta() { send(to: gateways, &state) { $0.inventory = delta } }
                if chunkDue, let chunk = inventory.inventoryChunk(), let one = gateways.randomElement() {
                    send(to: [one], &state) { $0.inventory = chunk }
                }
            }
        }
        return outgoing
    }

    /// What a member's counter digest (or its answer to this member's) asks of this
    /// member: its state of the buckets that differ, with a request for the sender's
    /// state of them; or, asked for buckets, its state of them (merged with what came
    /// with the request, so the sender gets the union).
    private func antiEntropyAnswers(to digest: WireCounterDigest, from sender: SWIMMember, _ state: inout State) -> [Outgoing] {
        var answers: [Outgoing] = []
        func answer(_ fill: (inout WireGossipEnvelope) -> Void) {
            var envelope = WireGossipEnvelope(state.instance.gossipEnvelope())
            fill(&envelope)
            if let message = Outgoing(envelope, to: sender.address) { answers.append(message) }
        }
        if !digest.buckets.isEmpty, let (differing, buckets) = state.counters.answer(digest: digest.buckets) {
            answer {
                $0.counters = WireCounterState(differing)
                $0.counterDigest.wanted = buckets.map(UInt32.init)
            }
        }
        if !digest.wanted.isEmpty {
            let wanted = state.counters.state(ofBuckets: digest.wanted.map(Int.init))
            answer { $0.counters = WireCounterState(wanted) }
        }
        return answers
    }

    package func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.tickUntilShutdown() }
            for await message in outgoing {
                group.addTask { await self.deliver(message) }
            }
        }
    }

    /// Gossip metrics (README, Deployment), made once on first use (after `Observability.bootstrap()`).
    private static let rounds = Counter(label: "tailor_gossip_rounds_total")
    private static let members = SWIMStatus.allCases.map { ($0, Gauge(label: "tailor_gossip_members", dimensions: [("state", $0.rawValue)])) }

    private func tickUntilShutdown() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let (directives, view, counters) = state.withLock { state in
                let now = ContinuousClock.now
                return (state.instance.tick(now: now), state.instance.view, counterRound(&state, now: now))
            }
            perform(directives, view: view)
            for message in counters { outbox.yield(message) }
            Self.rounds.increment()
            for (status, gauge) in Self.members { gauge.record(view.count { $0.status == status }) }
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
                // Back (or new): it missed the counter deltas sent meanwhile.
                if change.status == .alive, change.previous != .alive, change.member.name != myself.name {
                    state.withLock { $0.counters.startCatchUp(of: change.member.address) }
                }
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
            guard case .send(let envelope, let address) = directive else { return nil }
            return Outgoing(WireGossipEnvelope(envelope), to: address)
        }
    }

    private func deliver(_ message: Outgoing) async {
        state.withLock { $0.traffic.sent(bytes: message.body.bytes.count) }
        do {
            _ = try await client.call(WireMethods.gossip, message.body, on: message.peer, timeout: Self.sendTimeout)
            refusal.withLock { $0.accepted() }
        } catch let error as RPCError where error.code == .notTrusted {
            if let text = refusal.withLock({ $0.refused(error.message, now: .now) }) {
                logger.error(
                    "another member refuses this member's signature: not ready until one accepts it",
                    metadata: ["peer": "\(message.peer)", "error": "\(text)", "secret fingerprint": "\(client.trust.secret?.fingerprint ?? "none")"]
                )
            }
        } catch {
            // Lost messages are part of SWIM's model; the protocol's timers deal with them.
            logger.trace("gossip send failed", metadata: ["peer": "\(message.peer)", "error": "\(error)"])
            // A refused or reset connection is a hint worth acting on at once (see undeliverable).
            guard let code = (error as? RPCError)?.transport?.code, [.connectFailed, .connectionClosed, .backingOff].contains(code) else { return }
            let (directives, view) = state.withLock { state in
                (state.instance.undeliverable(to: message.peer.description, now: .now), state.instance.view)
            }
            perform(directives, view: view)
        }
    }
}

extension GossipService {
    /// True while the last gossip sent was refused for its signature (`401`): the
    /// member does not hold the cluster's secret (or its clock is far off), so it
    /// reports not ready. A member no one has answered yet is not refused.
    package var refusedByPeers: Bool { refusal.withLock { $0.isRefused } }
}

/// Refusals of this member's signature, for readiness and a log line every 10 s at most.
struct Refusal {
    private(set) var isRefused = false
    private var loggedAt: ContinuousClock.Instant?

    mutating func accepted() { isRefused = false }

    /// The message to log now, or nil when one was logged less than 10 s ago.
    mutating func refused(_ message: String, now: ContinuousClock.Instant) -> String? {
        isRefused = true
        if let loggedAt, now - loggedAt < .seconds(10) { return nil }
        loggedAt = now
        return message
    }
}

/// Bytes and messages on the gossip path, for the measurements and `GET /v1/cluster`.
package struct GossipTraffic: Sendable, Hashable {
    package var messagesSent = 0
    package var bytesSent = 0
    package var messagesReceived = 0
    package var bytesReceived = 0

    mutating func sent(bytes: Int) {
        messagesSent += 1
        bytesSent += bytes
    }

    mutating func received(bytes: Int) {
        messagesReceived += 1
        bytesReceived += bytes
    }
}

/// A gateway's catalog mirror as gossip sees it: last-writer-wins registers per
/// product, sent as deltas (what changed by writes or merges) and chunks of the whole.
package protocol InventoryReplica: Sendable {
    func inventoryDelta() -> WireInventoryState?
    func inventoryChunk() -> WireInventoryState?
    func mergeInventory(_ state: WireInventoryState)
}

/// Counters that grew on this member: each product's slot sums relative to `landmark`.
package struct CounterUpdate: Sendable {
    package var landmark: Int64
    package var sums: [(product: String, sums: Slot)]

    package init(landmark: Int64, sums: [(product: String, sums: Slot)]) {
        self.landmark = landmark
        self.sums = sums
    }
}

package struct GossipSnapshot: Sendable {
    package var view: [SWIMUpdate]
    package var incarnation: UInt64
    package var localHealth: Int
    package var statistics: SWIMStatistics
    package var traffic: GossipTraffic
    package var uptime: Duration
    package var counterProducts: Int
    package var counterLandmark: Int64
    /// A hash of the counters' bucket digest: equal on members that hold the same counters.
    package var counterDigest: UInt64
}
