import Hummingbird

/// A public API request's context: Hummingbird's, plus the caller its key stands for
/// (set by ``AccessControl`` on every route that needs a role).
package struct GatewayRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Nil on open routes (`/healthz`, `/readyz`, `/metrics`, CORS preflights).
    package var caller: Caller?

    package init(source: Source) {
        coreContext = .init(source: source)
    }
}
