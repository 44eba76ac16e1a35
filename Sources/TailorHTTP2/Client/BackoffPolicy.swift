/// Exponential backoff between connection attempts to a peer that failed.
public struct BackoffPolicy: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Each delay is scaled by a random factor in 1 ± jitter so peers do not retry in step.
    public var jitter: Double

    public init(initial: Duration, maximum: Duration, multiplier: Double, jitter: Double) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// 50 ms, doubling to 5 s, ±20 %.
    public static var defaults: Self {
        Self(initial: .milliseconds(50), maximum: .seconds(5), multiplier: 2, jitter: 0.2)
    }
}

/// Consecutive failures and the earliest next attempt.
struct BackoffState {
    let policy: BackoffPolicy
    private(set) var failures = 0
    private(set) var retryAt: ContinuousClock.Instant?

    init(policy: BackoffPolicy) { self.policy = policy }

    /// `jitter` is a random number in [-1, 1] drawn by the caller.
    mutating func failed(now: ContinuousClock.Instant, jitter: Double) {
        let exponent = Double(failures)
        failures += 1
        let base = policy.initial * pow2(policy.multiplier, exponent)
        let capped = min(base, policy.maximum)
        retryAt = now + capped * (1 + policy.jitter * max(-1, min(1, jitter)))
    }

    mutating func succeeded() {
        failures = 0
        retryAt = nil
    }

    func remaining(now: ContinuousClock.Instant) -> Duration? {
        guard let retryAt, retryAt > now else { return nil }
        return retryAt - now
    }

    private func pow2(_ base: Double, _ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(min(exponent, 30)) { value *= base }
        return value
    }
}
