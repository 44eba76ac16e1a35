/// Settings of an ``HTTP2Client``. Start from ``defaults`` and change what you need.
public struct HTTP2ClientConfiguration: Sendable {
    /// Long-lived connections opened per peer at most; a second opens only when the first is full.
    public var connectionsPerPeer: Int
    /// Calls that may wait for a free stream per peer before new calls fail with `queueFull`.
    public var maxQueuedCallsPerPeer: Int
    public var connectTimeout: Duration
    /// Used by calls that give no timeout.
    public var defaultTimeout: Duration
    /// A PING is sent this often; a connection whose PING is not acknowledged within
    /// ``keepaliveTimeout`` is closed and its calls fail.
    public var keepaliveInterval: Duration
    public var keepaliveTimeout: Duration
    public var backoff: BackoffPolicy
    public var maxResponseBodyBytes: Int
    public var maxHeaderListBytes: Int
    /// Receive window per stream and per connection (flow control).
    public var streamWindowBytes: Int
    public var connectionWindowBytes: Int

    public static var defaults: Self {
        Self(
            connectionsPerPeer: 2,
            maxQueuedCallsPerPeer: 10_000,
            connectTimeout: .seconds(1),
            defaultTimeout: .seconds(5),
            keepaliveInterval: .seconds(5),
            keepaliveTimeout: .seconds(2),
            backoff: .defaults,
            maxResponseBodyBytes: 8 << 20,
            maxHeaderListBytes: 16 << 10,
            streamWindowBytes: 1 << 20,
            connectionWindowBytes: 16 << 20
        )
    }

    var sessionLimits: SessionLimits {
        SessionLimits(
            maxConcurrentStreams: 100,
            maxHeaderListBytes: UInt32(maxHeaderListBytes),
            maxBodyBytes: maxResponseBodyBytes,
            streamWindowBytes: Int32(streamWindowBytes),
            connectionWindowBytes: Int32(connectionWindowBytes)
        )
    }
}
