import Hummingbird
import TailorHTTP2

/// Runs the rest of a request's handling on its connection's event loop.
///
/// Hummingbird hands each request to its handler in a Swift task with no executor
/// preference, so its work (the scatter's child tasks, the calls' continuations,
/// JSON) runs on Swift concurrency's global executor. In the statically linked
/// release build that is Dispatch's pool, not NIO's loops (`--executor
/// event-loops` cannot install NIO there), and every await hopped between a Dispatch
/// thread and an event loop: a third of the gateway's CPU went to Dispatch threads
/// and futex wake-ups. With the connection's loop as the task's executor
/// preference, the handler and the child tasks it starts stay on that one thread,
/// as the nodes' HTTP/2 handlers already do (``EventLoopTaskExecutor``).
struct ConnectionLoopMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ input: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withTaskExecutorPreference(EventLoopTaskExecutor.shared(for: context.eventLoop)) {
            try await next(input, context)
        }
    }
}
