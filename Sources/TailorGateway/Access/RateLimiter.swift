import Synchronization

/// A token bucket per key at this gateway: `rate` tokens a second, holding at most two
/// seconds' worth; a request takes one. Each gateway counts its own requests (a
/// cluster of n gateways lets a key make up to n times the rate).
package final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    package static let burstSeconds = 2.0

    package init() {}

    /// Nil when the request may go on, else how long until a token is back.
    package func take(key: String, rate: Double, now: ContinuousClock.Instant = .now) -> Duration? {
        guard rate > 0 else { return nil }
        let capacity = max(1, rate * Self.burstSeconds)
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up)))
        }
    }
}
