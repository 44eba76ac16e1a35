import Testing

@testable import TailorHTTP2

@Suite("Connection pool decisions")
struct PoolStateMachineTests {
    let now = ContinuousClock.now

    func machine(connections: Int = 2, queue: Int = 100) -> PoolStateMachine {
        PoolStateMachine(
            limits: .init(
                maxConnections: connections,
                maxQueuedCalls: queue,
                backoff: BackoffPolicy(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0)
            )
        )
    }

    @Test("the first call opens a connection and waits for it")
    func firstCallConnects() {
        var pool = machine()
        #expect(pool.newCall(1, now: now) == .queued(connect: 0))
        #expect(pool.newCall(2, now: now) == .queued(connect: nil))  // one connection opens at a time
        let dispatched = pool.settingsReceived(0, maxStreams: 100)
        #expect(dispatched == [.init(call: 1, connection: 0), .init(call: 2, connection: 0)])
        #expect(pool.newCall(3, now: now) == .start(on: 0))
    }

    @Test("calls beyond the peer's stream limit wait, and start as streams close")
    func honoursMaxConcurrentStreams() {
        var pool = machine(connections: 1)
        _ = pool.newCall(0, now: now)
        _ = pool.settingsReceived(0, maxStreams: 100)
        _ = pool.settingsReceived(0, maxStreams: 2)
        #expect(pool.newCall(1, now: now) == .start(on: 0))
        #expect(pool.newCall(2, now: now) == .queued(connect: nil))
        #expect(pool.streamClosed(0, on: 0) == [.init(call: 2, connection: 0)])
    }

    @Test("a full queue refuses new calls")
    func queueLimit() {
        var pool = machine(connections: 1, queue: 2)
        _ = pool.newCall(0, now: now)
        _ = pool.newCall(1, now: now)
        #expect(pool.newCall(2, now: now) == .fail(.queueFull(limit: 2)))
    }

    @Test("a second connection opens only when the first is full")
    func growsWhenSaturated() {
        var pool = machine(connections: 2)
        _ = pool.newCall(0, now: now)
        _ = pool.settingsReceived(0, maxStreams: 100)
        _ = pool.settingsReceived(0, maxStreams: 1)
        #expect(pool.newCall(1, now: now) == .queued(connect: 1))
        #expect(pool.settingsReceived(1, maxStreams: 100) == [.init(call: 1, connection: 1)])
    }

    @Test("failed connects back off exponentially; calls fail fast meanwhile")
    func backoff() {
        var pool = machine()
        _ = pool.newCall(1, now: now)
        #expect(pool.connectFailed(0, now: now, jitter: 0) == [1])
        #expect(pool.newCall(2, now: now + .milliseconds(50)) == .fail(.backingOff(retryInMilliseconds: 50)))
        #expect(pool.newCall(3, now: now + .milliseconds(100)) == .queued(connect: 1))
        #expect(pool.connectFailed(1, now: now + .milliseconds(100), jitter: 0) == [3])
        // Second failure: 200 ms.
        #expect(pool.newCall(4, now: now + .milliseconds(250)) == .fail(.backingOff(retryInMilliseconds: 50)))
        #expect(pool.newCall(5, now: now + .milliseconds(300)) == .queued(connect: 2))
        // A success resets the backoff: the next failure waits 100 ms again, not 400.
        _ = pool.settingsReceived(2, maxStreams: 100)
        let later = now + .seconds(5)
        #expect(pool.closed(2, now: later, jitter: 0) == ([], nil))
        #expect(pool.newCall(6, now: later) == .queued(connect: 3))
        #expect(pool.connectFailed(3, now: later, jitter: 0) == [6])
        #expect(pool.newCall(7, now: later + .milliseconds(60)) == .fail(.backingOff(retryInMilliseconds: 40)))
    }

    @Test("GOAWAY retires a connection; waiting calls get a new one")
    func goAway() {
        var pool = machine(connections: 1)
        _ = pool.newCall(0, now: now)
        _ = pool.settingsReceived(0, maxStreams: 100)
        _ = pool.settingsReceived(0, maxStreams: 1)
        _ = pool.newCall(1, now: now)
        #expect(pool.goingAway(0, now: now) == 1)
        #expect(pool.settingsReceived(1, maxStreams: 100) == [.init(call: 1, connection: 1)])
        #expect(pool.newCall(2, now: now) == .start(on: 1))
    }

    @Test("a connection that closes before the peer's SETTINGS counts as a failed attempt")
    func closedBeforeSettings() {
        var pool = machine()
        _ = pool.newCall(1, now: now)
        #expect(pool.closed(0, now: now, jitter: 0) == ([1], nil))
        #expect(pool.newCall(2, now: now) == .fail(.backingOff(retryInMilliseconds: 100)))
    }

    @Test("an abandoned queued call leaves the queue; abandoning twice is harmless")
    func abandon() {
        var pool = machine()
        _ = pool.newCall(1, now: now)
        #expect(pool.abandon(1) == .queued)
        #expect(pool.abandon(1) == nil)
        #expect(pool.settingsReceived(0, maxStreams: 100).isEmpty)
    }

    @Test("shutdown hands back queued calls and refuses new ones")
    func shutdown() {
        var pool = machine()
        _ = pool.newCall(1, now: now)
        let (queued, connections) = pool.shutDown()
        #expect(queued == [1])
        #expect(connections == [0])
        #expect(pool.newCall(2, now: now) == .fail(.shutDown))
    }
}
