import NIOCore

/// One scheduled request: its bytes, ready to write, and when it was due.
struct LoadWorkItem: Sendable {
    let kind: LoadKind
    /// The whole HTTP/1.1 request: head and body.
    let request: ByteBuffer
    /// When the open-loop schedule wanted it sent: latency counts from here.
    let scheduled: ContinuousClock.Instant
    /// False for warm-up requests, which are sent but not counted.
    let measured: Bool
}
