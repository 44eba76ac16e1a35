import HTTPTypes
import Logging
import NIOCore

/// One HTTP/2 connection to a peer: an nghttp2 client session on a NIO channel.
/// Bound to its event loop; the ``PeerPool`` reaches it through `NIOLoopBound`.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let connectionID: Int
    private let pool: PeerPool
    private let configuration: HTTP2ClientConfiguration
    private var session: NGHTTP2Session?
    private var context: ChannelHandlerContext?
    /// Calls with a stream on this connection, by stream id, and the reverse map.
    private var calls: [Int32: CallWaiter] = [:]
    private var deadlines = DeadlineSweep()
    private var streamOfCall: [Int: Int32] = [:]
    /// Streams whose call already ended (answered, cancelled) but whose stream is still open.
    private var finishedStreams: [Int32: Int] = [:]
    private var draining = false
    private var closeReason: HTTP2CallError.Code = .connectionClosed
    private var keepalive: Scheduled<Void>?
    private var keepaliveDeadline: Scheduled<Void>?

    /// The deadline header carries whole milliseconds and the server's clock starts
    /// a little later, so its reset can arrive just before ours.
    private static let deadlineTolerance = TimeAmount.milliseconds(50)

    init(connectionID: Int, pool: PeerPool, configuration: HTTP2ClientConfiguration) {
        self.connectionID = connectionID
        self.pool = pool
        self.configuration = configuration
    }

    // MARK: Channel events

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        do {
            session = try NGHTTP2Session(role: .client, limits: configuration.sessionLimits)
            try session?.write(to: context)
        } catch {
            context.close(promise: nil)
            return
        }
        startKeepalive(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        do {
            let events = try session.receive(unwrapInboundIn(data))
            for event in events { handle(event) }
        } catch {
            pool.logger.debug("closing connection after session error", metadata: ["peer": "\(pool.peer)", "error": "\(error)"])
            closeReason = .connectionClosed
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        writeNow()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { writeNow() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepalive?.cancel()
        keepaliveDeadline?.cancel()
        let pending = calls
        calls.removeAll()
        streamOfCall.removeAll()
        let message = closeReason == .keepaliveTimeout ? "peer stopped answering PINGs" : "connection closed during the call"
        deadlines.cancel()
        for (_, waiter) in pending {
            waiter.finish(.failure(HTTP2CallError(closeReason, message, peer: pool.peer.description, retryable: false)))
        }
        session = nil
        self.context = nil
        pool.connectionClosed(connectionID, calls: pending.values.map(\.id) + finishedStreams.values, reason: closeReason)
        finishedStreams.removeAll()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: Calls (from the pool, on this event loop)

    func start(_ waiter: CallWaiter) {
        guard let session, let context, !draining else {
            pool.requeue(waiter, from: connectionID)
            return
        }
        let now = NIODeadline.now()
        if waiter.cancellation.isCancelled || waiter.deadline <= now {
            let cancelled = waiter.cancellation.isCancelled
            fail(
                waiter, cancelled ? .cancelled : .deadlineExceeded,
                cancelled ? "the calling task was cancelled" : "deadline passed before the call started", retryable: true
            )
            pool.streamClosed(waiter.id, on: connectionID)
            return
        }
        do {
            let authority = pool.peer.description
            let streamID = try session.submitRequest(
                waiter.outboundHeaders(authority: authority, now: now),
                body: waiter.body
            )
            calls[streamID] = waiter
            streamOfCall[waiter.id] = streamID
            deadlines.cover(waiter.deadline, on: context.eventLoop.assumeIsolated()) { self.sweepDeadlines() }
            session.scheduleFlush(to: context)
        } catch {
            fail(waiter, .invalidRequest, "nghttp2 refused the request: \(error)", retryable: false)
            pool.streamClosed(waiter.id, on: connectionID)
        }
    }

    /// The call was cancelled or its deadline passed: reset its stream.
    func abandon(callID: Int, because code: HTTP2CallError.Code) {
        guard let streamID = streamOfCall.removeValue(forKey: callID), let waiter = calls.removeValue(forKey: streamID) else { return }
        finishedStreams[streamID] = callID
        session?.resetStream(streamID, errorCode: NGHTTP2Codes.cancel)
        let message = code == .cancelled ? "the calling task was cancelled" : "the call's deadline passed"
        fail(waiter, code, message, retryable: false)
        writeSoon()
    }

    func close() {
        context?.close(promise: nil)
    }

    private func sweepDeadlines() {
        guard let context else { return }
        let entries = calls.values.map { (key: $0.id, deadline: $0.deadline) }
        deadlines.sweep(entries, on: context.eventLoop.assumeIsolated()) { callID in
            abandon(callID: callID, because: .deadlineExceeded)
        } again: {
            self.sweepDeadlines()
        }
    }

    // MARK: Session events

    private func handle(_ event: SessionEvent) {
        switch event {
        case .message(let streamID, let message):
            guard let waiter = takeCall(streamID) else { return }
            guard let status = message.head.status.flatMap(Self.parseStatus) else {
                session?.resetStream(streamID, errorCode: NGHTTP2Codes.internalError)
                fail(waiter, .streamReset, "response without a valid :status", retryable: false)
                return
            }
            waiter.finish(.success(HTTP2Response(status: status, headers: message.head.fields, body: message.body)))
        case .rejected(let streamID, let rejection):
            guard let waiter = takeCall(streamID) else { return }
            session?.resetStream(streamID, errorCode: NGHTTP2Codes.cancel)
            let message = rejection == .bodyTooLarge
                ? "response body larger than \(configuration.maxResponseBodyBytes) bytes"
                : "response headers larger than \(configuration.maxHeaderListBytes) bytes"
            fail(waiter, .responseTooLarge, message, retryable: false)
        case .streamClosed(let streamID, let errorCode):
            if let waiter = takeCall(streamID) {
                if errorCode == NGHTTP2Codes.refusedStream {
                    fail(waiter, .refused, "the peer refused the stream; it was not processed", retryable: true)
                } else if errorCode == NGHTTP2Codes.cancel, waiter.deadline - .now() < Self.deadlineTolerance {
                    // The server enforces the same deadline and may reset the stream a moment before we do.
                    fail(waiter, .deadlineExceeded, "the call's deadline passed (reset by the peer)", retryable: false)
                } else {
                    fail(waiter, .streamReset, "the peer reset the stream: \(NGHTTP2Codes.describeHTTP2Error(errorCode))", retryable: false)
                }
            }
            if let callID = finishedStreams.removeValue(forKey: streamID) {
                pool.streamClosed(callID, on: connectionID)
            }
        case .goAway:
            draining = true
            pool.goingAway(connectionID)
        case .settingsChanged:
            if let session { pool.settingsReceived(connectionID, maxStreams: session.remoteMaxConcurrentStreams) }
        case .pingAcknowledged:
            keepaliveDeadline?.cancel()
            keepaliveDeadline = nil
        }
    }

    /// Ends the call bookkeeping of a stream; the pool hears of it when the stream closes.
    private func takeCall(_ streamID: Int32) -> CallWaiter? {
        guard let waiter = calls.removeValue(forKey: streamID) else { return nil }
        streamOfCall.removeValue(forKey: waiter.id)
        finishedStreams[streamID] = waiter.id
        return waiter
    }

    private func fail(_ waiter: CallWaiter, _ code: HTTP2CallError.Code, _ message: String, retryable: Bool) {
        waiter.finish(.failure(HTTP2CallError(code, message, peer: pool.peer.description, retryable: retryable)))
    }

    private static func parseStatus(_ bytes: [UInt8]) -> HTTPResponse.Status? {
        guard bytes.count == 3, let code = Int(String(decoding: bytes, as: UTF8.self)) else { return nil }
        return HTTPResponse.Status(code: code)
    }

    // MARK: Keepalive


    /// Sends a PING every interval; no acknowledgement within the timeout means a dead peer.
    private func startKeepalive(context: ChannelHandlerContext) {
        keepalive = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(configuration.keepaliveInterval)) {
            self.keepaliveTick()
        }
    }

    private func keepaliveTick() {
        guard let session, let context else { return }
        if keepaliveDeadline == nil {
            session.ping()
            writeNow()
            keepaliveDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(configuration.keepaliveTimeout)) {
                self.closeReason = .keepaliveTimeout
                self.context?.close(promise: nil)
            }
        }
        startKeepalive(context: context)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension ClientConnectionHandler {
    /// Writes pending frames now (after a read, or when the socket drains).
    fileprivate func writeNow() {
        if let context { session?.flush(to: context) }
    }

    /// Writes pending frames at the end of this event-loop tick.
    fileprivate func writeSoon() {
        if let context { session?.scheduleFlush(to: context) }
    }
}
