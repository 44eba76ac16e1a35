public import Synchronization

/// Servers in this process that an ``HTTP2Client`` calls without a socket.
///
/// When a process both calls a member and is that member (a node that also serves
/// the public API, `tailor node --public-listen`), its calls to itself need no
/// connection, no HTTP/2 framing and no thread hop: the client finds the member's
/// router here and runs the request through it directly, as the server would, with
/// the same authentication, routing, deadline and error answers
/// (``HTTP2Router/route(_:)``). Like gRPC's in-process transport, it changes how a
/// call travels, not what it means.
public final class InProcessServers: Sendable {
    private let routers = Mutex<[HTTP2Peer: HTTP2Router]>([:])

    public init() {}

    /// Serves calls to any of `peers` with `router` from now on.
    public func serve(_ router: HTTP2Router, at peers: [HTTP2Peer]) {
        routers.withLock { routers in
            for peer in peers { routers[peer] = router }
        }
    }

    /// Stops serving calls to `peers` in process: they travel over connections again.
    public func remove(_ peers: [HTTP2Peer]) {
        routers.withLock { routers in
            for peer in peers { routers.removeValue(forKey: peer) }
        }
    }

    func router(for peer: HTTP2Peer) -> HTTP2Router? {
        routers.withLock { $0[peer] }
    }

    /// Runs one call through `router`, answering as a connection would: the refusal's
    /// response, the handler's answer, or ``HTTP2CallError`` when the deadline passes
    /// (the handler is cancelled, as the server cancels it) or the caller is cancelled.
    static func call(
        _ router: HTTP2Router, peer: HTTP2Peer, request: HTTP2ServerRequest, timeout: Duration
    ) async throws -> HTTP2Response {
        let handler: HTTP2Handler
        let deadline: Duration
        switch router.route(request) {
        case .refused(let refusal): return refusal.response
        case .handler(let found, let requested):
            handler = found
            deadline = min(requested ?? timeout, timeout)
        }
        let context = HTTP2RequestContext(deadline: .now + deadline, streamID: 0)
        let answer = await withTaskGroup(of: HTTP2Response?.self) { group in
            group.addTask { await HTTP2Router.answer(handler, request, context) }
            group.addTask {
                try? await Task.sleep(for: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if Task.isCancelled {
            throw HTTP2CallError(.cancelled, "the call was cancelled", peer: peer.description, retryable: false)
        }
        guard let answer else {
            throw HTTP2CallError(.deadlineExceeded, "no answer within \(deadline)", peer: peer.description, retryable: false)
        }
        return answer
    }
}
