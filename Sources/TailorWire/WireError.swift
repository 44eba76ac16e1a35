/// A protobuf body from a peer could not be turned into a message.
///
/// Match on ``code``; ``message`` is for logs and operators and may change.
public struct WireError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    ///
    /// A struct rather than a public enum so that new codes can be added
    /// without breaking callers that switch over them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case messageTooLarge
            case malformed
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The body exceeded ``WireLimits/maxMessageBytes``; it was not parsed.
        public static let messageTooLarge = Self(.messageTooLarge)

        /// The body was not a valid encoding of the expected message type.
        public static let malformed = Self(.malformed)

        /// The code's name, for logs.
        public var description: String {
            switch self.wrapped {
            case .messageTooLarge: "messageTooLarge"
            case .malformed: "malformed"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code

    /// A human-readable explanation, naming the message type or limit involved.
    public var message: String

    /// The error that caused this one, such as SwiftProtobuf's decoding error.
    public var cause: (any Error)?

    /// Creates an error.
    package init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// A body of `actual` bytes was refused because it exceeds `limit`.
    ///
    /// `package` so transports can refuse an oversized body while it is still
    /// arriving, before buffering all of it.
    package static func messageTooLarge(limit: Int, actual: Int) -> Self {
        Self(
            code: .messageTooLarge,
            message: "message of \(actual) bytes exceeds the limit of \(limit) bytes"
        )
    }

    /// A body could not be decoded as `messageType`.
    package static func malformed(messageType: String, cause: (any Error)?) -> Self {
        Self(
            code: .malformed,
            message: "body is not a valid \(messageType)",
            cause: cause
        )
    }

    /// The code and message, followed by the cause when there is one.
    public var description: String {
        var text = "WireError.\(self.code): \(self.message)"
        if let cause = self.cause {
            text += " (cause: \(String(describing: cause)))"
        }
        return text
    }
}
