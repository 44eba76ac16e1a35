import NIOCore

/// One scheduled request: its body, ready to send, and when it was due.
struct LoadWorkItem: Sendable {
    let kind: LoadKind
    let body: ByteBuffer
    /// When the open-loop schedule wanted it sent: latency counts from here.
    let scheduled: ContinuousClock.Instant
    /// False for warm-up requests, which are sent but not counted.
    let measured: Bool
}
