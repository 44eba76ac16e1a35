/// Why a call made with ``HTTP2Client`` did not return a response.
public struct HTTP2CallError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case deadlineExceeded, cancelled, connectFailed, connectionClosed, keepaliveTimeout
            case refused, streamReset, responseTooLarge, backingOff, queueFull, shutDown, invalidRequest
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The call's deadline passed; the stream was reset with CANCEL.
        public static let deadlineExceeded = Code(.deadlineExceeded)
        /// The calling task was cancelled; the stream was reset with CANCEL.
        public static let cancelled = Code(.cancelled)
        /// No TCP connection could be made to the peer.
        public static let connectFailed = Code(.connectFailed)
        /// The connection closed while the call was in flight.
        public static let connectionClosed = Code(.connectionClosed)
        /// The peer stopped answering PINGs; the connection was closed.
        public static let keepaliveTimeout = Code(.keepaliveTimeout)
        /// The peer refused the stream (GOAWAY below its id, or REFUSED_STREAM): it was not processed.
        public static let refused = Code(.refused)
        /// The peer reset the stream with an error.
        public static let streamReset = Code(.streamReset)
        /// The response body exceeded the client's limit.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// Recent connection attempts failed; the client waits before trying again.
        public static let backingOff = Code(.backingOff)
        /// Too many calls already wait for a stream to this peer.
        public static let queueFull = Code(.queueFull)
        /// The client was shut down.
        public static let shutDown = Code(.shutDown)
        /// The call itself was malformed (for example a path without a leading slash).
        public static let invalidRequest = Code(.invalidRequest)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// A sentence for logs and operators.
    public var message: String
    /// `host:port` of the peer.
    public var peer: String
    /// True when the request is known not to have been processed by the peer, so
    /// sending it again (here or to another replica) cannot apply it twice.
    public var isRetryable: Bool

    init(_ code: Code, _ message: String, peer: String, retryable: Bool) {
        self.code = code
        self.message = message
        self.peer = peer
        self.isRetryable = retryable
    }

    public var description: String {
        "HTTP2CallError(\(code), peer: \(peer), retryable: \(isRetryable)): \(message)"
    }
}
