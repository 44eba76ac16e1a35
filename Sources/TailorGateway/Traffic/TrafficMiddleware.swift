import HTTPTypes
import Hummingbird

/// Counts every request into ``GatewayMetrics/traffic`` by its route, once it is
/// answered or refused (a refusal is traffic the gateway served too).
struct TrafficMiddleware<Context: RequestContext>: RouterMiddleware {
    let meter: TrafficMeter

    func handle(_ input: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        defer { meter.count(Self.kind(input.method, route: context.endpointPath)) }
        return try await next(input, context)
    }

    /// The kind of request: the route pattern Hummingbird matched, compared as is.
    static func kind(_ method: HTTPRequest.Method, route: String?) -> TrafficWindow.Request {
        guard method == .post, let route else { return .other }
        switch route {
        case "/v1/recommendations": return .recommendations
        case "/v1/decisions": return .decisions
        case "/v1/events": return .events
        default: return .other
        }
    }
}
