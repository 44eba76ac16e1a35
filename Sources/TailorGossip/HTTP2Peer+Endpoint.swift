public import TailorHTTP2
public import TailorMembership

extension HTTP2Peer {
    /// A member's address (membership's ``TailorMembership/Endpoint``) as the HTTP/2
    /// transport calls it: the one place the pure membership meets the transport.
    public init(_ endpoint: Endpoint) {
        self.init(host: endpoint.host, port: endpoint.port)
    }
}
