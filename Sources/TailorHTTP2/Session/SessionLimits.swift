/// The limits one session enforces and advertises. Defaults are documented in the README.
struct SessionLimits: Sendable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS we advertise.
    var maxConcurrentStreams: UInt32
    /// SETTINGS_MAX_HEADER_LIST_SIZE we advertise and enforce on what we receive.
    var maxHeaderListBytes: UInt32
    /// Largest message body we accept; a larger one is refused (413 or RST_STREAM).
    var maxBodyBytes: Int
    /// SETTINGS_INITIAL_WINDOW_SIZE: what one stream may have in flight towards us.
    var streamWindowBytes: Int32
    /// The connection-level receive window.
    var connectionWindowBytes: Int32
    /// Rapid-reset protection (CVE-2023-44487): token bucket of RST_STREAMs a peer may send.
    var streamResetBurst: UInt64 = 1000
    var streamResetRatePerSecond: UInt64 = 33
    /// CONTINUATION-flood protection (CVE-2024-28182).
    var maxContinuations: Int = 8
    var maxSettingsEntries: Int = 32
    /// Caps queued PING/SETTINGS acknowledgements a peer can make us buffer.
    var maxOutboundAcks: Int = 1000
}

/// A failure of the nghttp2 session itself: the connection it belongs to must close.
struct SessionError: Error, CustomStringConvertible {
    enum Code { case outOfMemory, protocolError, flooded, internalError }
    var code: Code
    var detail: String
    var nghttp2Code: Int32?

    init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    init(nghttp2 rc: Int32, detail: String) {
        switch rc {
        case NGHTTP2Codes.flooded: self.code = .flooded
        case NGHTTP2Codes.noMemory: self.code = .outOfMemory
        case NGHTTP2Codes.callbackFailure: self.code = .internalError
        default: self.code = .protocolError
        }
        self.detail = detail
        self.nghttp2Code = rc
    }

    var description: String {
        if let nghttp2Code { return "\(detail) failed: \(NGHTTP2Codes.describe(nghttp2Code))" }
        return detail
    }
}
