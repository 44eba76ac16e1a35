import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The connections and waiting calls to one peer: ``PoolStateMachine`` decides,
/// this shell connects sockets, arms deadlines and hands calls to connections.
final class PeerPool: Sendable {
    let peer: HTTP2Peer
    let logger: Logger
    private let configuration: HTTP2ClientConfiguration
    private let group: any EventLoopGroup
    /// Deadlines of all calls to this peer run on one loop.
    private let timerLoop: any EventLoop

    private struct State {
        var machine: PoolStateMachine
        /// Calls the pool holds (queued, or dispatched but not yet started by a connection).
        var waiters: [Int: CallWaiter] = [:]
        var timers: [Int: Scheduled<Void>] = [:]
        var connections: [Int: NIOLoopBound<ClientConnectionHandler>] = [:]
    }

    private let state: Mutex<State>
    private let callIDs = Atomic<Int>(0)

    init(peer: HTTP2Peer, configuration: HTTP2ClientConfiguration, group: any EventLoopGroup, logger: Logger) {
        self.peer = peer
        self.configuration = configuration
        self.group = group
        self.timerLoop = group.next()
        self.logger = logger
        let limits = PoolStateMachine.Limits(
            maxConnections: configuration.connectionsPerPeer,
            maxQueuedCalls: configuration.maxQueuedCallsPerPeer,
            backoff: configuration.backoff
        )
        self.state = Mutex(State(machine: PoolStateMachine(limits: limits)))
    }

    func call(
        method: HTTPRequest.Method,
        path: String,
        headers: HTTPFields,
        body: ByteBuffer,
        timeout: Duration
    ) async throws -> HTTP2Response {
        let callID = callIDs.wrappingAdd(1, ordering: .relaxed).oldValue
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let cancellation = CallCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let waiter = CallWaiter(
                    id: callID, method: method, path: path, headers: headers, body: body,
                    deadline: deadline, cancellation: cancellation, continuation: continuation
                )
                self.enqueue(waiter)
                // A cancellation that raced ahead of `enqueue` found nothing to cancel.
                if Task.isCancelled { self.abandon(callID, because: .cancelled) }
            }
        } onCancel: {
            cancellation.cancel()
            self.abandon(callID, because: .cancelled)
        }
    }

    private func enqueue(_ waiter: CallWaiter) {
        let (action, target) = state.withLock { state -> (PoolStateMachine.NewCallAction, NIOLoopBound<ClientConnectionHandler>?) in
            let action = state.machine.newCall(waiter.id, now: .now)
            switch action {
            case .start(let connection):
                return (action, state.connections[connection])
            case .queued:
                hold(waiter, in: &state)
                return (action, nil)
            case .fail:
                return (action, nil)
            }
        }
        switch action {
        case .start:
            target.map { handler in handler.eventLoop.execute { handler.value.start(waiter) } }
        case .queued(let connect):
            if let connect { open(connect) }
        case .fail(let failure):
            waiter.finish(.failure(error(for: failure)))
        }
    }

    /// Cancellation or deadline: fails a queued call, or resets its stream.
    func abandon(_ callID: Int, because code: HTTP2CallError.Code) {
        let (location, waiter, timer, handler) = state.withLock { state in
            let location = state.machine.abandon(callID)
            let waiter = state.waiters.removeValue(forKey: callID)
            let timer = state.timers.removeValue(forKey: callID)
            var handler: NIOLoopBound<ClientConnectionHandler>?
            if case .on(let connection) = location { handler = state.connections[connection] }
            return (location, waiter, timer, handler)
        }
        timer?.cancel()
        if let waiter {
            // Still waiting for a stream: nothing was sent.
            let message = code == .cancelled ? "cancelled while waiting for a stream" : "deadline passed while waiting for a stream"
            waiter.finish(.failure(HTTP2CallError(code, message, peer: peer.description, retryable: true)))
        } else if location != nil, let handler {
            handler.eventLoop.execute { handler.value.abandon(callID: callID, because: code) }
        }
    }

    // MARK: Reports from connections (on their event loops)

    func streamClosed(_ callID: Int, on connection: Int) {
        let dispatches = state.withLock { state in
            takeDispatches(state.machine.streamClosed(callID, on: connection), from: &state)
        }
        perform(dispatches)
    }

    func requeue(_ waiter: CallWaiter, from connection: Int) {
        let (dispatches, connect, abandoned) = state.withLock { state in
            guard state.machine.locations[waiter.id] != nil else {
                // Abandoned on its way: free its slot, which may let a queued call start.
                let dispatches = takeDispatches(state.machine.streamClosed(waiter.id, on: connection), from: &state)
                return (dispatches, Int?.none, true)
            }
            hold(waiter, in: &state)
            let (list, connect) = state.machine.requeue(waiter.id, from: connection, now: .now)
            return (takeDispatches(list, from: &state), connect, false)
        }
        if abandoned {
            waiter.finish(.failure(HTTP2CallError(.cancelled, "cancelled while waiting for a stream", peer: peer.description, retryable: true)))
        }
        perform(dispatches)
        if let connect { open(connect) }
    }

    func settingsReceived(_ connection: Int, maxStreams: Int) {
        let dispatches = state.withLock { state in
            takeDispatches(state.machine.settingsReceived(connection, maxStreams: maxStreams), from: &state)
        }
        perform(dispatches)
    }

    func goingAway(_ connection: Int) {
        let connect = state.withLock { $0.machine.goingAway(connection, now: .now) }
        if let connect { open(connect) }
    }

    func connectionClosed(_ connection: Int, calls: [Int], reason: HTTP2CallError.Code) {
        let (failed, connect) = state.withLock { state in
            for call in calls { _ = state.machine.abandon(call) }
            state.connections.removeValue(forKey: connection)
            let (failed, connect) = state.machine.closed(connection, now: .now, jitter: Double.random(in: -1...1))
            return (takeWaiters(failed, from: &state), connect)
        }
        let message = reason == .keepaliveTimeout ? "the peer never answered PINGs" : "the connection closed before the peer's SETTINGS arrived"
        for waiter in failed {
            waiter.finish(.failure(HTTP2CallError(reason, message, peer: peer.description, retryable: true)))
        }
        if let connect { open(connect) }
    }

    // MARK: Connecting

    private func open(_ connection: Int) {
        let configuration = self.configuration
        ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ClientConnectionHandler(connectionID: connection, pool: self, configuration: configuration)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    // Registered before channelActive so the connection can report at once.
                    self.state.withLock { $0.connections[connection] = NIOLoopBound(handler, eventLoop: channel.eventLoop) }
                }
            }
            .connect(host: peer.host, port: peer.port)
            .whenFailure { error in
                // On success the connection reports in when the peer's SETTINGS arrive.
                self.connectFailed(connection, error: error)
            }
    }

    private func connectFailed(_ connection: Int, error: any Error) {
        logger.debug("connection attempt failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
        let failed = state.withLock { state in
            state.connections.removeValue(forKey: connection)
            return takeWaiters(state.machine.connectFailed(connection, now: .now, jitter: Double.random(in: -1...1)), from: &state)
        }
        for waiter in failed {
            waiter.finish(.failure(HTTP2CallError(.connectFailed, "could not connect: \(error)", peer: peer.description, retryable: true)))
        }
    }

    // MARK: Shutdown

    func shutdown() async {
        let (waiters, handlers) = state.withLock { state in
            let (queued, connections) = state.machine.shutDown()
            return (takeWaiters(queued, from: &state), connections.compactMap { state.connections[$0] })
        }
        for waiter in waiters {
            waiter.finish(.failure(HTTP2CallError(.shutDown, "the client shut down", peer: peer.description, retryable: true)))
        }
        for handler in handlers {
            try? await handler.eventLoop.submit { handler.value.close() }.get()
        }
    }

    // MARK: Helpers

    /// Keeps a queued call and arms its deadline; only queued calls need the pool's
    /// timer (a connection arms its own), and `takeDispatches` cancels it on dispatch.
    private func hold(_ waiter: CallWaiter, in state: inout State) {
        state.waiters[waiter.id] = waiter
        state.timers[waiter.id] = timerLoop.scheduleTask(deadline: waiter.deadline) { [self] in
            self.abandon(waiter.id, because: .deadlineExceeded)
        }
    }

    private func takeDispatches(_ dispatches: [PoolStateMachine.Dispatch], from state: inout State) -> [(CallWaiter, NIOLoopBound<ClientConnectionHandler>)] {
        dispatches.compactMap { dispatch in
            guard let waiter = state.waiters.removeValue(forKey: dispatch.call) else { return nil }
            guard let handler = state.connections[dispatch.connection] else {
                state.waiters[dispatch.call] = waiter
                return nil
            }
            state.timers.removeValue(forKey: dispatch.call)?.cancel()
            return (waiter, handler)
        }
    }

    /// Takes the waiters of calls the machine gave up on, with their timers.
    private func takeWaiters(_ calls: [Int], from state: inout State) -> [CallWaiter] {
        calls.compactMap { call in
            state.timers.removeValue(forKey: call)?.cancel()
            return state.waiters.removeValue(forKey: call)
        }
    }

    private func perform(_ dispatches: [(CallWaiter, NIOLoopBound<ClientConnectionHandler>)]) {
        for (waiter, handler) in dispatches {
            handler.eventLoop.execute { handler.value.start(waiter) }
        }
    }

    private func error(for failure: PoolStateMachine.PoolFailure) -> HTTP2CallError {
        switch failure {
        case .backingOff(let milliseconds):
            HTTP2CallError(.backingOff, "recent connection attempts failed; next attempt in \(milliseconds) ms", peer: peer.description, retryable: true)
        case .queueFull(let limit):
            HTTP2CallError(.queueFull, "\(limit) calls already wait for a stream", peer: peer.description, retryable: true)
        case .shutDown:
            HTTP2CallError(.shutDown, "the client shut down", peer: peer.description, retryable: true)
        }
    }
}
