/// Bounds applied to protobuf bodies exchanged between members.
///
/// A peer's declared size is never trusted: a member that decodes whatever
/// arrives can be made to allocate without bound by one faulty or hostile peer.
public struct WireLimits: Sendable, Hashable {
    /// Largest encoded message, in bytes, that a member accepts from a peer.
    public var maxMessageBytes: Int

    /// Creates limits.
    ///
    /// - Parameter maxMessageBytes: Largest encoded message, in bytes, accepted from a peer.
    public init(maxMessageBytes: Int) {
        precondition(maxMessageBytes >= 0, "maxMessageBytes must not be negative")
        self.maxMessageBytes = maxMessageBytes
    }

    /// Limits every member uses unless configured otherwise.
    ///
    /// 4 MiB matches gRPC's default receive limit, which leaves room for
    /// large internal batches while keeping one body's memory modest.
    public static var defaults: Self {
        Self(maxMessageBytes: 4 * 1024 * 1024)
    }
}
