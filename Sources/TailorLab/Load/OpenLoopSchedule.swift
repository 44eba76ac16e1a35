/// When each request of an open-loop run is due, relative to the run's start: one every
/// 1/rate, whatever the answers do. Warm-up requests come first and are not measured.
struct OpenLoopSchedule: Sendable, Hashable {
    enum Phase: Sendable, Hashable {
        case warmup
        case measured
        /// Past the end: nothing more is sent.
        case over
    }

    /// Requests per second.
    let rate: Double
    let warmup: Duration
    let duration: Duration

    init(rate: Double, warmup: Duration, duration: Duration) {
        precondition(rate > 0, "an open-loop schedule needs a positive rate")
        self.rate = rate
        self.warmup = warmup
        self.duration = duration
    }

    /// The offset of request `index` (0-based) from the start. Computed from the index,
    /// not by adding intervals, so that rounding does not drift over a long run.
    func offset(of index: Int) -> Duration {
        .nanoseconds(Int64((Double(index) * 1e9 / rate).rounded()))
    }

    func phase(at offset: Duration) -> Phase {
        if offset < warmup { return .warmup }
        if offset < warmup + duration { return .measured }
        return .over
    }

    func phase(of index: Int) -> Phase {
        phase(at: offset(of: index))
    }

    /// The measured window, as offsets from the start.
    var measuredWindow: Range<Duration> { warmup..<(warmup + duration) }

}
