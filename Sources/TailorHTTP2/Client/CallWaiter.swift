import HTTPTypes
import NIOCore
import Synchronization

/// Set when the calling task is cancelled. A connection checks it as it starts the
/// call, so a cancellation that overtakes the call's dispatch is not lost.
final class CallCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    var isCancelled: Bool { flag.load(ordering: .acquiring) }
    func cancel() { flag.store(true, ordering: .releasing) }
}

/// One call on its way: the request and the continuation its caller waits on.
/// Whoever holds it (the pool while queued, a connection once dispatched) resumes it
/// exactly once, through ``finish(_:)``.
final class CallWaiter: Sendable {
    let id: Int
    let method: HTTPRequest.Method
    let path: String
    let headers: HTTPFields
    let body: ByteBuffer
    let deadline: NIODeadline
    let cancellation: CallCancellation
    private let continuation: CheckedContinuation<HTTP2Response, any Error>

    init(
        id: Int,
        method: HTTPRequest.Method,
        path: String,
        headers: HTTPFields,
        body: ByteBuffer,
        deadline: NIODeadline,
        cancellation: CallCancellation,
        continuation: CheckedContinuation<HTTP2Response, any Error>
    ) {
        self.cancellation = cancellation
        self.id = id
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.deadline = deadline
        self.continuation = continuation
    }

    func finish(_ result: Result<HTTP2Response, HTTP2CallError>) {
        continuation.resume(with: result.mapError { $0 as any Error })
    }

    /// The request's header list, pseudo-headers first, names lowercased.
    func outboundHeaders(authority: String, now: NIODeadline) -> [OutboundHeader] {
        var list: [OutboundHeader] = []
        list.reserveCapacity(headers.count + 5)
        list.append(OutboundHeader(name: ":method", value: method.rawValue))
        list.append(OutboundHeader(name: ":scheme", value: "http"))
        list.append(OutboundHeader(name: ":authority", value: authority))
        list.append(OutboundHeader(name: ":path", value: path))
        for field in headers {
            list.append(OutboundHeader(name: field.name.canonicalName, value: field.value))
        }
        let remaining = max(0, (deadline - now).nanoseconds / 1_000_000)
        list.append(OutboundHeader(name: HTTP2Deadline.headerName, value: String(remaining)))
        return list
    }
}
