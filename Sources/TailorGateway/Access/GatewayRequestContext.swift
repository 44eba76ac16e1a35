import Hummingbird
import NIOCore

/// A public API request's context: Hummingbird's, plus the caller its key stands for
/// (set by ``AccessControl`` on every route that needs a role).
package struct GatewayRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Nil on open routes (`/healthz`, `/readyz`, `/metrics`, CORS preflights).
    package var caller: Caller?
    /// The event loop of the request's connection (``ConnectionLoopMiddleware`` runs the
    /// handler there).
    package let eventLoop: any EventLoop

    package init(source: Source) {
        coreContext = .init(source: source)
        eventLoop = source.channel.eventLoop
    }
}
