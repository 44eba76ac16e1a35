import NIOCore
import Synchronization
import TailorClient

/// A fixed number of keep-alive HTTP/1.1 connections, one request in flight on each, fed
/// from a bounded queue of scheduled requests.
final class HTTP1ConnectionPool: Sendable {
    typealias Waiter = CheckedContinuation<LoadWorkItem?, Never>

    let target: GatewayAddress
    let group: any EventLoopGroup
    let connections: Int
    let timeout: Duration
    /// Sent with every request (`Authorization`).
    let headers: [(String, String)]
    private let pending: Mutex<PendingRequests<Waiter>>

    /// `queueCapacity` requests may wait for a free connection; more are dropped.
    init(
        target: GatewayAddress, group: any EventLoopGroup, connections: Int, queueCapacity: Int, timeout: Duration, headers: [(String, String)] = []
    ) {
        self.headers = headers
        self.target = target
        self.group = group
        self.connections = connections
        self.timeout = timeout
        self.pending = Mutex(PendingRequests(capacity: queueCapacity))
    }

    /// Hands a scheduled request to an idle connection or queues it; false when it was dropped.
    func offer(_ item: LoadWorkItem) -> Bool {
        switch pending.withLock({ $0.offer(item) }) {
        case .handOver(let waiter):
            waiter.resume(returning: item)
            return true
        case .queued:
            return true
        case .dropped:
            return false
        }
    }

    /// No more requests: connections finish what is queued, then close.
    func finish() {
        for waiter in pending.withLock({ $0.finish() }) { waiter.resume(returning: nil) }
    }

    /// The next request for a connection, waiting while there is none; nil at the end.
    func next() async -> LoadWorkItem? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                switch pending.withLock({ $0.next(waiter) }) {
                case .take(let item): waiter.resume(returning: item)
                case .finished: waiter.resume(returning: nil)
                case .parked: break
                }
            }
        } onCancel: {
            finish()
        }
    }

    /// Runs every connection until `finish()` and the queue is empty; returns what they measured.
    /// `window` is the measured window, for throughput.
    func run(window: Range<ContinuousClock.Instant>) async -> LoadTally {
        await withTaskGroup(of: LoadTally.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var connection = HTTP1Connection(pool: self, window: window)
                    return await connection.run()
                }
            }
            var total = LoadTally()
            for await tally in group { total.add(tally) }
            return total
        }
    }
}
