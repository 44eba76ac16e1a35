import NIOCore

/// Runs Swift tasks on a NIO event loop. Request handlers are started with this
/// executor preference so that a handler and its connection share one thread:
/// no hop to the global pool and back for every request.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `loop` is immutable and every EventLoop is thread-safe to enqueue on.
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
