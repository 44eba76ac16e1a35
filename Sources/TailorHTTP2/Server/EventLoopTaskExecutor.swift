public import NIOCore
import Synchronization

/// Runs Swift tasks on a NIO event loop. Request handlers are started with this
/// executor preference so that a handler and its connection share one thread:
/// no hop to the global pool and back for every request.
///
/// The preference matters most where Swift concurrency's global executor is not
/// NIO's: in a statically linked binary (the release build and the image) the
/// runtime's hook that `--executor event-loops` installs NIO through is not
/// reachable, and un-preferred tasks run on Dispatch's pool.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `loop` is immutable and every EventLoop is thread-safe to enqueue on.
    public let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    private static let executors = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    /// The one executor of `loop` (made on first use, kept for the process's life:
    /// a process has a fixed, small number of event loops).
    public static func shared(for loop: any EventLoop) -> EventLoopTaskExecutor {
        executors.withLock { executors in
            let key = ObjectIdentifier(loop)
            if let executor = executors[key] { return executor }
            let executor = EventLoopTaskExecutor(loop: loop)
            executors[key] = executor
            return executor
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
