import HTTPTypes
import Logging
import NIOCore

/// One accepted HTTP/2 connection: an nghttp2 server session on a NIO channel.
/// Complete requests go to handler tasks through `requests`; responses come back
/// through ``finish(_:with:)`` on this event loop.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct RunningStream {
        var task: UnsafeCurrentTask?
        var deadline: NIODeadline?
    }

    private enum ShutdownPhase { case open, noticeSent, goAwaySent }

    private let router: HTTP2Router
    private let configuration: HTTP2ServerConfiguration
    private let requests: AsyncStream<[ServerStreamWork]>.Continuation
    /// Requests completed by the current read, handed over in one batch.
    private var pendingWork: [ServerStreamWork] = []
    private var bound: NIOLoopBound<ServerConnectionHandler>?
    private let logger: Logger
    private var session: NGHTTP2Session?
    fileprivate(set) var context: ChannelHandlerContext?
    private var streams: [Int32: RunningStream] = [:]
    private var deadlines = DeadlineSweep()
    private var shutdownPhase = ShutdownPhase.open
    private var shutdownTimer: Scheduled<Void>?

    init(
        router: HTTP2Router,
        configuration: HTTP2ServerConfiguration,
        requests: AsyncStream<[ServerStreamWork]>.Continuation,
        logger: Logger
    ) {
        self.router = router
        self.configuration = configuration
        self.requests = requests
        self.logger = logger
    }

    // MARK: Channel events

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        self.bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        do {
            session = try NGHTTP2Session(role: .server, limits: configuration.sessionLimits)
            try session?.write(to: context)
        } catch {
            logger.error("could not start an HTTP/2 session", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        do {
            for event in try session.receive(unwrapInboundIn(data)) { handle(event, session: session, context: context) }
            if !pendingWork.isEmpty {
                // One yield per read rather than per request: the handoff to tasks is the costly part.
                requests.yield(pendingWork)
                pendingWork.removeAll(keepingCapacity: true)
            }
        } catch {
            // nghttp2 has queued a GOAWAY naming the problem (bad preface, flood, …); send it, then close.
            logger.debug("closing connection after session error", metadata: ["error": "\(error)"])
            _ = try? session.write(to: context)
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
        deadlines.cancel()
        for (_, stream) in streams { stream.task?.cancel() }
        streams.removeAll()
        shutdownTimer?.cancel()
        requests.finish()
        session = nil
        self.context = nil
        self.bound = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: Requests

    private func handle(_ event: SessionEvent, session: NGHTTP2Session, context: ChannelHandlerContext) {
        switch event {
        case .message(let streamID, let message):
            dispatch(streamID: streamID, message, context: context)
        case .rejected(let streamID, let rejection):
            let error =
                switch rejection {
                case .bodyTooLarge: HTTP2ServerError(.contentTooLarge, "request body larger than \(configuration.maxRequestBodyBytes) bytes")
                case .headerListTooLarge: HTTP2ServerError(.requestHeaderFieldsTooLarge, "request headers larger than \(configuration.maxHeaderListBytes) bytes")
                }
            respond(streamID, error.response)
        case .streamClosed(let streamID, _):
            // The client reset the stream (or it ended after our answer): stop its handler.
            streams.removeValue(forKey: streamID)?.task?.cancel()
        case .pingAcknowledged where shutdownPhase == .noticeSent:
            // One round trip after the notice: streams the client opened meanwhile have arrived.
            shutdownPhase = .goAwaySent
            session.submitGoAway(lastStreamID: session.lastProcessedStreamID, errorCode: NGHTTP2Codes.noError)
        case .goAway, .pingAcknowledged, .settingsChanged:
            break
        }
    }

    private func dispatch(streamID: Int32, _ message: InboundMessage, context: ChannelHandlerContext) {
        guard let method = message.head.method, let fullPath = message.head.path else {
            respond(streamID, HTTP2ServerError(.badRequest, "request without :method or :path").response)
            return
        }
        let request = HTTP2ServerRequest(
            method: HTTPRequest.Method(method) ?? .get,
            path: fullPath,
            headers: message.head.fields,
            body: message.body
        )
        let handler: HTTP2Handler
        var running = RunningStream()
        var deadline: ContinuousClock.Instant?
        switch router.route(request) {
        case .refused(let refusal):
            return respond(streamID, refusal.response)
        case .handler(let found, let timeout):
            handler = found
            if let timeout {
                deadline = .now + timeout
                let expiry = NIODeadline.now() + TimeAmount(timeout)
                running.deadline = expiry
                deadlines.cover(expiry, on: context.eventLoop.assumeIsolated()) { self.sweepDeadlines() }
            }
        }
        streams[streamID] = running
        guard let bound else { return }
        pendingWork.append(
            ServerStreamWork(
                streamID: streamID,
                request: request,
                context: HTTP2RequestContext(deadline: deadline, streamID: streamID),
                handler: handler,
                connection: bound
            )
        )
    }

    /// Called by the handler task as it starts; false when its stream is already gone.
    func attach(_ task: UnsafeCurrentTask, to streamID: Int32) -> Bool {
        guard streams[streamID] != nil else { return false }
        streams[streamID]?.task = task
        return true
    }

    /// Called by the handler task when it has an answer; dropped if the stream was reset or timed out.
    func finish(_ streamID: Int32, with response: HTTP2ServerResponse) {
        guard streams.removeValue(forKey: streamID) != nil else { return }
        respond(streamID, response)
    }

    /// Cancels the handlers whose deadline passed and resets their streams.
    private func sweepDeadlines() {
        guard let context else { return }
        let entries = streams.compactMap { streamID, stream in stream.deadline.map { (key: streamID, deadline: $0) } }
        deadlines.sweep(entries, on: context.eventLoop.assumeIsolated()) { streamID in
            streams.removeValue(forKey: streamID)?.task?.cancel()
            session?.resetStream(streamID, errorCode: NGHTTP2Codes.cancel)
        } again: {
            self.sweepDeadlines()
        }
        writeSoon()
    }

    private func respond(_ streamID: Int32, _ response: HTTP2ServerResponse) {
        guard let session else { return }
        var headers: [OutboundHeader] = []
        headers.reserveCapacity(response.headers.count + 1)
        headers.append(OutboundHeader(name: ":status", value: String(response.status.code)))
        for field in response.headers {
            headers.append(OutboundHeader(name: field.name.canonicalName, value: field.value))
        }
        do {
            try session.submitResponse(streamID: streamID, headers, body: response.body)
        } catch {
            session.resetStream(streamID, errorCode: NGHTTP2Codes.internalError)
        }
        writeSoon()
    }

    // MARK: Shutdown

    /// GOAWAY in two steps (RFC 9113 §6.8): a notice, then after a PING round trip the
    /// final GOAWAY naming the last stream processed; in-flight streams finish.
    func beginGracefulShutdown() {
        guard shutdownPhase == .open, let session, let context else { return }
        shutdownPhase = .noticeSent
        session.submitShutdownNotice()
        session.ping()
        shutdownTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(configuration.gracefulShutdownTimeout)) {
            self.context?.close(promise: nil)
        }
        writeNow()
    }

    /// Test hook: an immediate GOAWAY naming `lastStreamID`, as a peer under pressure might send.
    /// Streams above it are dropped unprocessed, as the GOAWAY promises.
    func goAway(lastStreamID: Int32) {
        shutdownPhase = .goAwaySent
        for (streamID, stream) in streams where streamID > lastStreamID {
            stream.task?.cancel()
            streams.removeValue(forKey: streamID)
        }
        session?.submitGoAway(lastStreamID: lastStreamID, errorCode: NGHTTP2Codes.noError)
        writeNow()
    }


}

extension ServerConnectionHandler {
    /// Closes at once; running handlers are cancelled by `channelInactive`.
    func close() {
        context?.close(promise: nil)
    }
}

extension ServerConnectionHandler {
    /// Writes pending frames now (after a read, or when the socket drains).
    fileprivate func writeNow() {
        if let context { session?.flush(to: context) }
    }

    /// Writes pending frames at the end of this event-loop tick.
    fileprivate func writeSoon() {
        if let context { session?.scheduleFlush(to: context) }
    }
}
