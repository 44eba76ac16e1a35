import HTTPTypes
import TailorHTTP2

/// Why an ``RPCClient`` call produced no answer.
///
/// Match on ``code``; ``message`` is for logs and may change.
package struct RPCError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case requestNotEncoded, transport, unexpectedStatus, responseNotDecoded, notTrusted
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The request could not be encoded; nothing was sent.
        package static let requestNotEncoded = Self(.requestNotEncoded)
        /// The call failed in HTTP/2 (``RPCError/transport`` says how).
        package static let transport = Self(.transport)
        /// The member answered with a status other than success (``RPCError/status``).
        package static let unexpectedStatus = Self(.unexpectedStatus)
        /// The member answered a body that is not the call's response.
        package static let responseNotDecoded = Self(.responseNotDecoded)
        /// The member refused the call's signature (`401`): the two do not share a
        /// cluster secret, or their clocks are too far apart.
        package static let notTrusted = Self(.notTrusted)

        /// The code's name, for logs.
        package var description: String { wrapped.rawValue }
    }

    /// What kind of failure this is.
    package var code: Code
    /// The call's path.
    package var path: String
    /// A sentence for logs and operators; for ``Code/unexpectedStatus``,
    /// `answered <code>: <the first 200 characters of the body>`.
    package var message: String
    /// The status answered, for ``Code/unexpectedStatus``.
    package var status: HTTPResponse.Status?
    /// The error underneath: ``HTTP2CallError`` for ``Code/transport``, SwiftProtobuf's
    /// for ``Code/requestNotEncoded``, ``WireError`` for ``Code/responseNotDecoded``.
    package var cause: (any Error)?

    package init(code: Code, path: String, message: String, status: HTTPResponse.Status? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.status = status
        self.cause = cause
    }

    /// The transport's error, for ``Code/transport``.
    package var transport: HTTP2CallError? { cause as? HTTP2CallError }

    package var description: String {
        var text = "RPCError.\(code) (\(path)): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
