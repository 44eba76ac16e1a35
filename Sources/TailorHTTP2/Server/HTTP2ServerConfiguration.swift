/// Settings of an ``HTTP2Server``. Start from ``defaults`` and change what you need.
public struct HTTP2ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; the bound address is passed to `onListening`.
    public var port: Int
    /// SETTINGS_MAX_CONCURRENT_STREAMS per connection; nghttp2 refuses streams above it.
    public var maxConcurrentStreams: Int
    /// SETTINGS_MAX_HEADER_LIST_SIZE; a larger request is answered 431.
    public var maxHeaderListBytes: Int
    /// A larger request body is answered 413.
    public var maxRequestBodyBytes: Int
    /// Receive window per stream and per connection (flow control).
    public var streamWindowBytes: Int
    public var connectionWindowBytes: Int
    /// Rapid-reset protection: RST_STREAMs a client may send in a burst, then per second.
    public var streamResetBurst: Int
    public var streamResetRatePerSecond: Int
    /// CONTINUATION frames allowed per header block.
    public var maxContinuations: Int
    /// How long a graceful shutdown waits for in-flight streams before closing anyway.
    public var gracefulShutdownTimeout: Duration

    public init(host: String = "127.0.0.1", port: Int = 0) {
        self = .defaults
        self.host = host
        self.port = port
    }

    private init(
        host: String, port: Int, maxConcurrentStreams: Int, maxHeaderListBytes: Int, maxRequestBodyBytes: Int,
        streamWindowBytes: Int, connectionWindowBytes: Int, streamResetBurst: Int, streamResetRatePerSecond: Int,
        maxContinuations: Int, gracefulShutdownTimeout: Duration
    ) {
        self.host = host
        self.port = port
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxHeaderListBytes = maxHeaderListBytes
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.streamWindowBytes = streamWindowBytes
        self.connectionWindowBytes = connectionWindowBytes
        self.streamResetBurst = streamResetBurst
        self.streamResetRatePerSecond = streamResetRatePerSecond
        self.maxContinuations = maxContinuations
        self.gracefulShutdownTimeout = gracefulShutdownTimeout
    }

    public static var defaults: Self {
        Self(
            host: "127.0.0.1", port: 0,
            maxConcurrentStreams: 256,
            maxHeaderListBytes: 16 << 10,
            maxRequestBodyBytes: 8 << 20,
            streamWindowBytes: 1 << 20,
            connectionWindowBytes: 16 << 20,
            streamResetBurst: 1000,
            streamResetRatePerSecond: 33,
            maxContinuations: 8,
            gracefulShutdownTimeout: .seconds(30)
        )
    }

    var sessionLimits: SessionLimits {
        SessionLimits(
            maxConcurrentStreams: UInt32(maxConcurrentStreams),
            maxHeaderListBytes: UInt32(maxHeaderListBytes),
            maxBodyBytes: maxRequestBodyBytes,
            streamWindowBytes: Int32(streamWindowBytes),
            connectionWindowBytes: Int32(connectionWindowBytes),
            streamResetBurst: UInt64(streamResetBurst),
            streamResetRatePerSecond: UInt64(streamResetRatePerSecond),
            maxContinuations: maxContinuations
        )
    }
}
