import DequeModule

/// Decides, for the calls to one peer, which connection carries each call, when to
/// open or retire a connection, and when to back off. Pure: the ``PeerPool`` shell
/// performs what it returns, so every rule here is tested without sockets.
struct PoolStateMachine {
    typealias CallID = Int
    typealias ConnectionID = Int

    struct Limits {
        var maxConnections: Int
        var maxQueuedCalls: Int
        var backoff: BackoffPolicy
    }

    enum Phase: Equatable { case connecting, ready, draining }

    struct Connection: Equatable {
        var id: ConnectionID
        var phase: Phase
        var openStreams = 0
        /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS; nghttp2 assumes 100 until they arrive.
        var maxStreams = 100

        var hasCapacity: Bool { phase == .ready && openStreams < maxStreams }
    }

    enum Location: Equatable { case queued, on(ConnectionID) }

    /// A call to start on a connection.
    struct Dispatch: Equatable {
        var call: CallID
        var connection: ConnectionID
    }

    enum NewCallAction: Equatable {
        case start(on: ConnectionID)
        case queued(connect: ConnectionID?)
        case fail(PoolFailure)
    }

    enum PoolFailure: Equatable {
        case backingOff(retryInMilliseconds: Int64)
        case queueFull(limit: Int)
        case shutDown
    }

    private(set) var connections: [Connection] = []
    private(set) var queue: Deque<CallID> = []
    private(set) var locations: [CallID: Location] = [:]
    private var nextConnectionID = 0
    private var backoff: BackoffState
    private var isShutDown = false
    let limits: Limits

    init(limits: Limits) {
        self.limits = limits
        self.backoff = BackoffState(policy: limits.backoff)
    }

    // MARK: Calls

    mutating func newCall(_ call: CallID, now: ContinuousClock.Instant) -> NewCallAction {
        if isShutDown { return .fail(.shutDown) }
        if let index = leastLoadedWithCapacity() {
            connections[index].openStreams += 1
            locations[call] = .on(connections[index].id)
            return .start(on: connections[index].id)
        }
        let connect = openConnectionIfAllowed(now: now)
        let usable = connect != nil || connections.contains { $0.phase != .draining }
        if !usable, let wait = backoff.remaining(now: now) {
            return .fail(.backingOff(retryInMilliseconds: wait.milliseconds))
        }
        guard queue.count < limits.maxQueuedCalls else { return .fail(.queueFull(limit: limits.maxQueuedCalls)) }
        queue.append(call)
        locations[call] = .queued
        return .queued(connect: connect)
    }

    /// The call's task was cancelled or its deadline passed.
    mutating func abandon(_ call: CallID) -> Location? {
        guard let location = locations.removeValue(forKey: call) else { return nil }
        if location == .queued, let index = queue.firstIndex(of: call) { queue.remove(at: index) }
        return location
    }

    /// A call that was dispatched ended; frees its stream slot and dispatches the queue.
    mutating func streamClosed(_ call: CallID, on connection: ConnectionID) -> [Dispatch] {
        locations.removeValue(forKey: call)
        if let index = index(of: connection), connections[index].openStreams > 0 {
            connections[index].openStreams -= 1
        }
        return dispatchQueue()
    }

    /// A dispatched call could not start because its connection was going away: put it back first in line.
    mutating func requeue(_ call: CallID, from connection: ConnectionID, now: ContinuousClock.Instant) -> (dispatch: [Dispatch], connect: ConnectionID?) {
        if let index = index(of: connection), connections[index].openStreams > 0 { connections[index].openStreams -= 1 }
        guard locations[call] != nil else { return ([], nil) }
        queue.prepend(call)
        locations[call] = .queued
        let connect = connections.contains(where: { $0.phase != .draining }) ? nil : openConnectionIfAllowed(now: now)
        return (dispatchQueue(), connect)
    }

    // MARK: Connections

    /// The peer's SETTINGS arrived. The first ones make the connection ready: before
    /// them its stream limit is unknown, and guessing would get streams refused.
    mutating func settingsReceived(_ connection: ConnectionID, maxStreams: Int) -> [Dispatch] {
        guard let index = index(of: connection) else { return [] }
        if connections[index].phase == .connecting {
            connections[index].phase = .ready
            backoff.succeeded()
        }
        connections[index].maxStreams = max(1, maxStreams)
        return dispatchQueue()
    }

    /// The connection attempt failed: queued calls fail if no other connection can take them.
    mutating func connectFailed(_ connection: ConnectionID, now: ContinuousClock.Instant, jitter: Double) -> [CallID] {
        connections.removeAll { $0.id == connection }
        backoff.failed(now: now, jitter: jitter)
        guard !connections.contains(where: { $0.phase != .draining }) else { return [] }
        return drainQueue()
    }

    /// GOAWAY received: no new streams go there; a replacement opens if calls are waiting.
    mutating func goingAway(_ connection: ConnectionID, now: ContinuousClock.Instant) -> ConnectionID? {
        guard let index = index(of: connection) else { return nil }
        connections[index].phase = .draining
        return queue.isEmpty ? nil : openConnectionIfAllowed(now: now)
    }

    /// The socket closed. Calls still on it were failed by the connection itself.
    /// One that closed before the peer's SETTINGS counts as a failed attempt: it
    /// backs off, and returns the queued calls to fail if no other connection can take them.
    mutating func closed(_ connection: ConnectionID, now: ContinuousClock.Instant, jitter: Double) -> (failed: [CallID], connect: ConnectionID?) {
        guard let index = index(of: connection) else { return ([], nil) }
        if connections[index].phase == .connecting {
            return (connectFailed(connection, now: now, jitter: jitter), nil)
        }
        connections.remove(at: index)
        return ([], queue.isEmpty ? nil : openConnectionIfAllowed(now: now))
    }

    /// Stops everything: returns the queued calls to fail and the connections to close.
    mutating func shutDown() -> (queued: [CallID], connections: [ConnectionID]) {
        isShutDown = true
        return (drainQueue(), connections.map(\.id))
    }

    // MARK: Helpers

    private func index(of connection: ConnectionID) -> Int? {
        connections.firstIndex { $0.id == connection }
    }

    private func leastLoadedWithCapacity() -> Int? {
        var best: Int?
        for index in connections.indices where connections[index].hasCapacity {
            if best.map({ connections[index].openStreams < connections[$0].openStreams }) ?? true { best = index }
        }
        return best
    }

    /// Opens a connection when none is being opened, the pool has room, and backoff allows.
    private mutating func openConnectionIfAllowed(now: ContinuousClock.Instant) -> ConnectionID? {
        guard !isShutDown,
            !connections.contains(where: { $0.phase == .connecting }),
            connections.filter({ $0.phase != .draining }).count < limits.maxConnections,
            backoff.remaining(now: now) == nil
        else { return nil }
        let id = nextConnectionID
        nextConnectionID += 1
        connections.append(Connection(id: id, phase: .connecting))
        return id
    }

    private mutating func dispatchQueue() -> [Dispatch] {
        var dispatches: [Dispatch] = []
        while !queue.isEmpty, let index = leastLoadedWithCapacity() {
            let call = queue.removeFirst()
            connections[index].openStreams += 1
            locations[call] = .on(connections[index].id)
            dispatches.append(Dispatch(call: call, connection: connections[index].id))
        }
        return dispatches
    }

    private mutating func drainQueue() -> [CallID] {
        let calls = Array(queue)
        queue.removeAll()
        for call in calls { locations.removeValue(forKey: call) }
        return calls
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
