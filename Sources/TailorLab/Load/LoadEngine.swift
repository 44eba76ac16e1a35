import NIOCore
import NIOPosix
import TailorClient

/// The load generator's engine: an open-loop schedule and a fixed number of keep-alive
/// HTTP/1.1 connections, all on one event loop, with no lock, no task and no
/// continuation per request. Each request's bytes (head and body) are made before the
/// run; sending one is a write, its answer is cut out of the bytes read
/// (``HTTP1ResponseParser``) and counted on the spot.
///
/// It replaced a pool of async connections on NIO's HTTP client pipeline, which spent
/// 0.25–0.5 ms of CPU per request on the two cores it shares with the cluster
/// (`tailor-lab bench loadgen` compares it with `wrk` on `/healthz`).
///
/// Every member is touched only on `loop`; the class is `@unchecked Sendable` for that.
final class LoadEngine: @unchecked Sendable {
    struct Settings: Sendable {
        /// Where connections go, in turn (connection i to `targets[i % count]`): one
        /// gateway, or every node that serves the public API.
        var targets: [GatewayAddress]
        var connections: Int
        /// Requests that may wait for a free connection; more are dropped.
        var queueCapacity: Int
        var timeout: Duration
        /// False: any 2xx counts as a success, its body unread (the generator's own bench).
        var readsBodies = true
    }

    let settings: Settings
    let loop: any EventLoop
    private let clock = ContinuousClock()

    // Loop-confined state.
    private var pending: PendingRequests<LoadConnection>
    private var tally = LoadTally()
    private var window: Range<ContinuousClock.Instant>
    private var live: [ObjectIdentifier: LoadConnection] = [:]
    private var schedule: OpenLoopSchedule?
    private var requests: LoadRun.Prepared?
    private var start: ContinuousClock.Instant
    private var nextIndex = 0
    /// How many connections were opened: the next one goes to `targets[opened % count]`.
    private var opened = 0
    private var done: EventLoopPromise<LoadTally>?
    private var sweep: RepeatedTask?

    init(settings: Settings, loop: any EventLoop) {
        self.settings = settings
        self.loop = loop
        pending = PendingRequests(capacity: settings.queueCapacity)
        let now = ContinuousClock.now
        window = now..<now
        start = now
    }

    /// Runs `schedule` from `start` (offsets count from there); returns what it measured
    /// once every request offered was answered, failed or timed out.
    func run(_ schedule: OpenLoopSchedule, requests: LoadRun.Prepared, start: ContinuousClock.Instant) async -> LoadTally {
        let promise = loop.makePromise(of: LoadTally.self)
        loop.execute {
            self.schedule = schedule
            self.requests = requests
            self.start = start
            self.window = (start + schedule.measuredWindow.lowerBound)..<(start + schedule.measuredWindow.upperBound)
            self.done = promise
            for _ in 0..<self.settings.connections { self.connect() }
            self.sweep = self.loop.scheduleRepeatedTask(initialDelay: .milliseconds(50), delay: .milliseconds(50)) { _ in self.expire() }
            self.tick()
        }
        return (try? await promise.futureResult.get()) ?? tally
    }

    // MARK: The schedule

    /// Offers every request due by now (and the next 100 µs), then sleeps until the next one.
    private func tick() {
        guard let schedule, var requests else { return }
        defer { self.requests = requests }
        let horizon = clock.now + .microseconds(100)
        while true {
            let offset = schedule.offset(of: nextIndex)
            let phase = schedule.phase(at: offset)
            if phase == .over {
                finishSchedule()
                return
            }
            let due = start + offset
            guard due <= horizon else {
                let wait = due - clock.now
                loop.scheduleTask(in: TimeAmount(max(.zero, wait))) { self.tick() }
                return
            }
            let request = requests.request(at: nextIndex)
            nextIndex += 1
            let item = LoadWorkItem(kind: request.kind, request: request.bytes, scheduled: due, measured: phase == .measured)
            let accepted = offer(item)
            if item.measured {
                tally[item.kind].offered += 1
                if !accepted { tally[item.kind].dropped += 1 }
            }
        }
    }

    private func offer(_ item: LoadWorkItem) -> Bool {
        while true {
            switch pending.offer(item) {
            case .handOver(let connection):
                // An idle connection the server closed meanwhile: the next one takes it.
                guard connection.isUsable else { continue }
                connection.send(item, at: clock.now)
                return true
            case .queued: return true
            case .dropped: return false
            }
        }
    }

    private func finishSchedule() {
        guard !pending.isFinished else { return }
        for connection in pending.finish() { connection.close() }
        completeIfDone()
    }

    private func completeIfDone() {
        guard pending.isFinished, pending.queuedCount == 0, live.values.allSatisfy({ $0.inFlight == nil }) else { return }
        for connection in live.values { connection.close() }
        sweep?.cancel()
        sweep = nil
        done?.succeed(tally)
        done = nil
    }

    // MARK: Connections

    private func connect() {
        let connection = LoadConnection(engine: self)
        let target = settings.targets[opened % settings.targets.count]
        opened += 1
        live[ObjectIdentifier(connection)] = connection
        ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(settings.timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(connection) }
            }
            .connect(host: target.host, port: target.port)
            .whenComplete { result in
                switch result {
                case .success: self.idle(connection)
                case .failure: self.connectFailed(connection)
                }
            }
    }

    /// The server cannot be reached: the next request waiting fails with "connect", and
    /// the connection tries again shortly (while there is anything left to send).
    private func connectFailed(_ connection: LoadConnection) {
        live[ObjectIdentifier(connection)] = nil
        if case .take(let item) = pending.next(connection) {
            record(item, .noAnswer("connect"))
        } else if pending.isFinished {
            completeIfDone()
            return
        }
        loop.scheduleTask(in: .milliseconds(100)) { self.connect() }
    }

    /// A connection is free: it takes the next request, or waits for one.
    fileprivate func idle(_ connection: LoadConnection) {
        guard connection.isUsable else { return }
        switch pending.next(connection) {
        case .take(let item): connection.send(item, at: clock.now)
        case .finished:
            connection.close()
            completeIfDone()
        case .parked: break
        }
    }

    /// A connection's answer arrived.
    fileprivate func answered(_ item: LoadWorkItem, _ response: HTTP1ResponseParser.Response, on connection: LoadConnection) {
        record(item, settings.readsBodies ? Self.outcome(response, kind: item.kind) : Self.statusOnly(response))
        if response.keepAlive {
            idle(connection)
        } else {
            connection.close()
        }
        completeIfDone()
    }

    /// A connection closed (by the server, a timeout or an error): what it carried failed,
    /// and another connection takes its place.
    fileprivate func closed(_ connection: LoadConnection, carrying item: LoadWorkItem?, reason: String) {
        guard live.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
        if let item { record(item, .noAnswer(reason)) }
        if !pending.isFinished || pending.queuedCount > 0 { connect() }
        completeIfDone()
    }

    /// Requests out longer than the timeout: their connections close (the client's timeout).
    private func expire() {
        let now = clock.now
        for connection in live.values {
            if let sent = connection.sentAt, connection.inFlight != nil, now - sent >= settings.timeout { connection.timeOut() }
        }
    }

    private func record(_ item: LoadWorkItem, _ outcome: LoadOutcome) {
        guard item.measured else { return }
        let now = clock.now
        tally[item.kind].record(outcome, latency: now - item.scheduled, inWindow: window.contains(now))
    }

    static func outcome(_ response: HTTP1ResponseParser.Response, kind: LoadKind) -> LoadOutcome {
        guard (200..<300).contains(response.status) else { return .failedStatus(response.status) }
        switch kind {
        case .recommendations:
            // Only the coverage's flag is read, by a byte scan.
            guard let degraded = degradedFlag(in: response.body) else { return .undecodable(status: response.status) }
            return .success(status: response.status, degraded: degraded)
        case .events:
            // An EventBatchResult names what it accepted; an empty 2xx (202/204) is accepted too.
            let accepted = response.body.withUnsafeReadableBytes { ByteSearch.firstIndex(of: #""accepted":"#, in: $0) != nil }
            if response.body.readableBytes == 0 || accepted {
                return .success(status: response.status, degraded: false)
            }
            return .undecodable(status: response.status)
        case .decisions:
            // The answer's own flag follows its placements' (each recommendation has one).
            guard let degraded = degradedFlag(in: response.body, last: true) else { return .undecodable(status: response.status) }
            return .success(status: response.status, degraded: degraded)
        }
    }

    static func statusOnly(_ response: HTTP1ResponseParser.Response) -> LoadOutcome {
        (200..<300).contains(response.status) ? .success(status: response.status, degraded: false) : .failedStatus(response.status)
    }

    /// The value of `"degraded"` in a JSON object, or nil when the body is not an object
    /// with that boolean. (Inside a JSON string a quote is escaped, so the key cannot be
    /// mistaken for text; the gateway writes no whitespace around the colon.) `last`:
    /// the last such key's, for an object whose own flag follows nested ones.
    static func degradedFlag(in body: ByteBuffer, last: Bool = false) -> Bool? {
        body.withUnsafeReadableBytes { bytes in
            let key: StaticString = #""degraded":"#
            guard bytes.first == UInt8(ascii: "{"), var found = ByteSearch.firstIndex(of: key, in: bytes) else { return nil }
            while last, let next = ByteSearch.firstIndex(of: key, in: UnsafeRawBufferPointer(rebasing: bytes[(found + 1)...])) {
                found += 1 + next
            }
            guard found + key.utf8CodeUnitCount < bytes.count else { return nil }
            switch bytes[found + key.utf8CodeUnitCount] {
            case UInt8(ascii: "t"): return true
            case UInt8(ascii: "f"): return false
            default: return nil
            }
        }
    }
}

/// One keep-alive connection of the engine: at most one request in flight.
final class LoadConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    /// Strong: a connection may close (and report it) after the run that made the
    /// engine has returned, so it keeps the engine alive until then. The engine drops
    /// its connections as they close, which ends the cycle.
    private let engine: LoadEngine
    private var context: ChannelHandlerContext?
    private var parser = HTTP1ResponseParser()
    private(set) var inFlight: LoadWorkItem?
    private(set) var sentAt: ContinuousClock.Instant?
    private var closing = false

    init(engine: LoadEngine) {
        self.engine = engine
    }

    var isUsable: Bool { context?.channel.isActive == true && !closing }

    func send(_ item: LoadWorkItem, at now: ContinuousClock.Instant) {
        guard let context else { return }
        inFlight = item
        sentAt = now
        context.writeAndFlush(NIOAny(item.request), promise: nil)
    }

    func close() {
        guard !closing else { return }
        closing = true
        context?.close(promise: nil)
    }

    func timeOut() {
        let item = inFlight
        inFlight = nil
        closing = true
        engine.closed(self, carrying: item, reason: "timeout")
        context?.close(promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        let responses: [HTTP1ResponseParser.Response]
        do {
            responses = try parser.feed(bytes)
        } catch {
            fail(reason: "undecodable")
            return
        }
        for response in responses {
            guard let item = inFlight else {
                fail(reason: "unexpected")  // an answer nobody asked for
                return
            }
            inFlight = nil
            sentAt = nil
            engine.answered(item, response, on: self)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let item = inFlight
        inFlight = nil
        closing = true
        engine.closed(self, carrying: item, reason: "closed")
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func fail(reason: String) {
        let item = inFlight
        inFlight = nil
        closing = true
        engine.closed(self, carrying: item, reason: reason)
        context?.close(promise: nil)
    }
}
