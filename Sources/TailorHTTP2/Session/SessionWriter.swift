import NIOCore

extension NGHTTP2Session {
    /// Moves pending frames to the socket while it accepts them. When the channel
    /// stops being writable the rest stays inside nghttp2 (bodies are not even read
    /// yet) until `channelWritabilityChanged`: that is the back-pressure path.
    /// Returns false when nothing was written.
    @discardableResult
    func write(to context: ChannelHandlerContext) throws(SessionError) -> Bool {
        var wrote = false
        while context.channel.isWritable {
            var buffer = context.channel.allocator.buffer(capacity: 16 << 10)
            try drainOutput(into: &buffer, upTo: 64 << 10)
            if buffer.readableBytes == 0 { break }
            context.write(NIOAny(buffer), promise: nil)
            wrote = true
        }
        if wrote { context.flush() }
        return wrote
    }

    /// Writes what is pending, then closes the channel if the session failed or has
    /// nothing left to do (GOAWAY exchanged, streams finished).
    func flush(to context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        do {
            try write(to: context)
        } catch {
            context.close(promise: nil)
            return
        }
        if isFinished { context.close(promise: nil) }
    }

    /// Coalesces the frames queued in one event-loop tick (calls started, responses
    /// finished) into one write and one flush, run after the tick's other tasks.
    func scheduleFlush(to context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flush(to: context)
        }
    }

    /// True when nghttp2 has nothing left to read or write: a session that sent or
    /// received GOAWAY and finished its streams. The connection can close.
    var isFinished: Bool { !wantsRead && !wantsWrite }
}
