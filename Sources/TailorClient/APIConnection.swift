import NIOCore
import NIOHTTP1

/// One open HTTP/1.1 connection to a gateway (``GatewayAddress/withConnection(on:connectTimeout:_:)``):
/// requests go one at a time, each answer read whole.
package struct APIConnection {
    package typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    /// The underlying channel: whether it is still open, and its event loop.
    package let channel: any NIOCore.Channel
    private var answers: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let authority: String

    init(
        channel: any NIOCore.Channel, answers: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>, authority: String
    ) {
        self.channel = channel
        self.answers = answers
        self.outbound = outbound
        self.authority = authority
    }

    /// Sends one request and reads its whole answer. A request not answered within
    /// `timeout` closes the connection, and this throws ``APIClientError``.
    package mutating func send(_ request: APIRequest, timeout: Duration) async throws -> APIAnswer {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: authority)
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        if let body = request.body {
            headers.add(name: "Content-Type", value: request.contentType)
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        } else if request.method != .GET && request.method != .HEAD {
            headers.add(name: "Content-Length", value: "0")
        }
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.pathAndQuery, headers: headers)
        let channel = self.channel
        // A request that takes too long closes its connection: the read below then ends.
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(DurationNanoseconds.of(timeout))) {
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        var parts: [HTTPClientRequestPart] = [.head(head)]
        if let body = request.body { parts.append(.body(.byteBuffer(body))) }
        parts.append(.end(nil))
        let started = ContinuousClock.now
        do {
            try await outbound.write(contentsOf: parts)
            var answer = APIAnswer(status: 0, body: ByteBuffer(), keepAlive: true)
            while true {
                guard let part = try await answers.next() else { throw APIClientError.closed }
                switch part {
                case .head(let responseHead):
                    answer.status = Int(responseHead.status.code)
                    answer.keepAlive = responseHead.isKeepAlive
                    answer.headers = responseHead.headers.map { ($0.name, $0.value) }
                case .body(var chunk):
                    answer.body.writeBuffer(&chunk)
                case .end:
                    return answer
                }
            }
        } catch {
            if ContinuousClock.now - started >= timeout { throw APIClientError.timeout(timeout) }
            throw error
        }
    }
}

/// One request to the public API.
package struct APIRequest: Sendable {
    package var method: HTTPMethod
    /// The path with its query, as written (`/v1/users/a/export?replica=n1`).
    package var pathAndQuery: String
    package var body: ByteBuffer?
    package var contentType = "application/json"
    package var headers: [(String, String)] = []

    package init(_ method: HTTPMethod, _ pathAndQuery: String, body: ByteBuffer? = nil, headers: [(String, String)] = []) {
        self.method = method
        self.pathAndQuery = pathAndQuery
        self.body = body
        self.headers = headers
    }
}

/// A whole answer: status, headers and body.
package struct APIAnswer: Sendable {
    package var status: Int
    package var headers: [(String, String)] = []
    package var body: ByteBuffer
    /// Whether the connection may carry another request.
    package var keepAlive: Bool

    package init(status: Int, body: ByteBuffer, keepAlive: Bool) {
        self.status = status
        self.body = body
        self.keepAlive = keepAlive
    }

    /// The body's bytes.
    package var data: [UInt8] { Array(body.readableBytesView) }

    /// The body as text (UTF-8).
    package var text: String { String(buffer: body) }

    /// The first value of header `name` (case-insensitive).
    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Why a request got no answer.
package enum APIClientError: Error, CustomStringConvertible {
    /// The server closed the connection before the whole answer.
    case closed
    /// No whole answer within the request's timeout.
    case timeout(Duration)

    package var description: String {
        switch self {
        case .closed: "the connection closed before the answer was complete"
        case .timeout(let timeout): "no answer within \(timeout)"
        }
    }
}
