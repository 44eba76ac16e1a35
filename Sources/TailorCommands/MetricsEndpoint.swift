import Hummingbird
import ServiceLifecycle
import TailorMembership
import TailorObservability

/// A node's `GET /metrics` over HTTP/1.1 (`--metrics-listen`): a node's own port
/// speaks only HTTP/2, and Prometheus scrapes HTTP/1.1. A Hummingbird application
/// run as one more service of the node's group, so SIGTERM stops it with the node.
enum MetricsEndpoint {
    static func application(listening endpoint: Endpoint) -> some Service {
        let router = Router()
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = Observability.contentType
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Observability.exposition())))
        }
        return Application(router: router, configuration: .init(address: .hostname(endpoint.host, port: endpoint.port), serverName: "tailor-metrics"))
    }
}
