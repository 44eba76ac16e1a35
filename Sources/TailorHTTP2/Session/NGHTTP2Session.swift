import CNGHTTP2
import HTTPTypes
import NIOCore

/// One libnghttp2 session in memory mode: bytes go in with ``receive(_:)``, frames
/// come out with ``drainOutput(into:upTo:)``, and what happened in between is
/// reported as ``SessionEvent``s.
///
/// This type, its callbacks and ``withHeaderArray(_:_:)`` hold all the unsafe code
/// of the module. It is bound to one event loop by its owner and never shared.
///
/// Lifetimes: nghttp2 keeps `self` as an unretained `user_data` pointer, so the
/// session is deleted in `deinit`, before `self` can go away. Header arrays are
/// copied by nghttp2 during `submit_*`; bodies stay in ``outboundBodies`` until
/// the read callback has handed their last byte to nghttp2 or the stream closes.
final class NGHTTP2Session {
    enum Role { case client, server }

    var session: OpaquePointer!
    let limits: SessionLimits
    var inbound: [Int32: InboundStream] = [:]
    /// The stream whose header block is being received.
    var headerBlock: (streamID: Int32, stream: InboundStream)?
    var outboundBodies: [Int32: ByteBuffer] = [:]
    var events: [SessionEvent] = []
    /// A flush is queued on the event loop (see `scheduleFlush(to:)`).
    var flushScheduled = false
    /// A failure inside a callback that must end the session (memory, invariants).
    private var callbackFailure: SessionError?

    init(role: Role, limits: SessionLimits) throws(SessionError) {
        self.limits = limits

        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw SessionError(code: .outOfMemory, detail: "nghttp2_session_callbacks_new")
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        Self.install(on: callbacks)

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else {
            throw SessionError(code: .outOfMemory, detail: "nghttp2_option_new")
        }
        defer { nghttp2_option_del(option) }
        // The protocol's attack limits live in nghttp2; they are switched on here explicitly.
        nghttp2_option_set_stream_reset_rate_limit(option, limits.streamResetBurst, limits.streamResetRatePerSecond)
        nghttp2_option_set_max_continuations(option, limits.maxContinuations)
        nghttp2_option_set_max_settings(option, limits.maxSettingsEntries)
        nghttp2_option_set_max_outbound_ack(option, limits.maxOutboundAcks)
        nghttp2_option_set_max_send_header_block_length(option, Int(limits.maxHeaderListBytes) * 2)

        var created: OpaquePointer?
        let userData = Unmanaged.passUnretained(self).toOpaque()
        let rc: Int32 =
            switch role {
            case .client: nghttp2_session_client_new2(&created, callbacks, userData, option)
            case .server: nghttp2_session_server_new2(&created, callbacks, userData, option)
            }
        guard rc == 0, let created else {
            throw SessionError(code: .outOfMemory, detail: "nghttp2_session_new")
        }
        self.session = created
        try self.submitInitialSettings()
    }

    deinit {
        nghttp2_session_del(self.session)
    }

    private func submitInitialSettings() throws(SessionError) {
        let settings: [nghttp2_settings_entry] = [
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: limits.maxConcurrentStreams),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: UInt32(limits.streamWindowBytes)),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: limits.maxHeaderListBytes),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
        ]
        let rc = settings.withUnsafeBufferPointer {
            nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), $0.baseAddress, $0.count)
        }
        try Self.check(rc, "nghttp2_submit_settings")
        // The connection window starts at 64 KiB whatever SETTINGS say; widen it once.
        try Self.check(
            nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, limits.connectionWindowBytes),
            "nghttp2_session_set_local_window_size"
        )
    }

    // MARK: Input and output

    /// Feeds bytes read from the socket to nghttp2 and returns what they caused.
    func receive(_ buffer: ByteBuffer) throws(SessionError) -> [SessionEvent] {
        let rc = buffer.withUnsafeReadableBytes { bytes in
            nghttp2_session_mem_recv(session, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
        }
        if let failure = callbackFailure { throw failure }
        if rc < 0 { throw SessionError(nghttp2: Int32(rc), detail: "nghttp2_session_mem_recv") }
        return takeEvents()
    }

    private func takeEvents() -> [SessionEvent] {
        guard !events.isEmpty else { return [] }
        // Hand the array over rather than copy it and clear ours (which would reallocate).
        defer { events = [] }
        return events
    }

    /// Copies frames nghttp2 wants to send into `buffer` until it holds at least
    /// `limit` bytes or nghttp2 has nothing more. Stopping at `limit` is what turns a
    /// full socket into back-pressure: DATA is only read from a body when pulled here.
    func drainOutput(into buffer: inout ByteBuffer, upTo limit: Int) throws(SessionError) {
        while buffer.readableBytes < limit {
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &chunk)
            if count < 0 { throw SessionError(nghttp2: Int32(count), detail: "nghttp2_session_mem_send") }
            guard count > 0, let chunk else { return }
            buffer.writeBytes(UnsafeRawBufferPointer(start: chunk, count: count))
        }
    }

    var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }
    var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS (nghttp2 assumes 100 until SETTINGS arrive).
    var remoteMaxConcurrentStreams: Int {
        Int(nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS))
    }

    var lastProcessedStreamID: Int32 { nghttp2_session_get_last_proc_stream_id(session) }

    static func check(_ rc: Int32, _ detail: StaticString) throws(SessionError) {
        if rc != 0 { throw SessionError(nghttp2: rc, detail: "\(detail)") }
    }
}
