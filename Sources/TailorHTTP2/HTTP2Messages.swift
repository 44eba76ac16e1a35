public import HTTPTypes
public import NIOCore

/// A response received by ``HTTP2Client``.
public struct HTTP2Response: Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: ByteBuffer

    public init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A request as an ``HTTP2Server`` handler sees it.
public struct HTTP2ServerRequest: Sendable {
    public var method: HTTPRequest.Method
    public var path: String
    public var headers: HTTPFields
    public var body: ByteBuffer
}

/// What a handler answers. `HTTP2Response` doubles as the server's response type.
public typealias HTTP2ServerResponse = HTTP2Response

/// Where a call goes: a server's host and port. (A cluster member's address is
/// membership's `Endpoint`; TailorGossip turns one into the other.)
public struct HTTP2Peer: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// The header carrying a call's remaining time, in whole milliseconds. Relative,
/// like gRPC's `grpc-timeout`, because members' clocks are not synchronised.
public enum HTTP2Deadline {
    public static let headerName = "tailor-timeout-ms"
    /// The longest timeout a server accepts (one hour).
    public static let maximumMilliseconds: Int64 = 3_600_000

    /// Parses the header value; nil when it is not a whole number in 0...maximum.
    public static func parse(_ value: Substring) -> Int64? {
        guard !value.isEmpty, value.count <= 10, let ms = Int64(value), ms >= 0, ms <= maximumMilliseconds else { return nil }
        return ms
    }
}
