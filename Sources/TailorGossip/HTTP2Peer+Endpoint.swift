import TailorHTTP2
import TailorMembership

extension HTTP2Peer {
    /// A member's address (membership's ``TailorMembership/Endpoint``) as the HTTP/2
    /// transport calls it: the one place the pure membership meets the transport.
    package init(_ endpoint: Endpoint) {
        self.init(host: endpoint.host, port: endpoint.port)
    }
}
