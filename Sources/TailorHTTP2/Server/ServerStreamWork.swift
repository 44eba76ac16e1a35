import HTTPTypes
import NIOCore

/// One request handed from a connection to its handler task.
struct ServerStreamWork: Sendable {
    let streamID: Int32
    let request: HTTP2ServerRequest
    let context: HTTP2RequestContext
    let handler: HTTP2Handler
    let connection: NIOLoopBound<ServerConnectionHandler>

    /// Runs the handler in the current task, which was started with the connection's
    /// event loop as executor preference, so it begins on that loop.
    func run() async {
        let loop = connection.eventLoop
        // The connection keeps this task's handle to cancel it on deadline or reset. The
        // handle stays valid because it is dropped in `finish`, which this task itself
        // runs on the loop before it ends (see `ServerConnectionHandler.attach`).
        let attached = withUnsafeCurrentTask { task in
            task.map { connection.value.attach($0, to: streamID) } ?? false
        }
        guard attached else { return }
        let response = await HTTP2Router.answer(handler, request, context)
        if loop.inEventLoop {
            connection.value.finish(streamID, with: response)
        } else {
            // A handler that ended elsewhere: hop back while this task stays alive.
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                loop.execute {
                    connection.value.finish(streamID, with: response)
                    done.resume()
                }
            }
        }
    }
}
