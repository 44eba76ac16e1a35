import Foundation

/// The fixed latency buckets of ``TrafficWindow``: log-scaled, four to a doubling, from
/// 0.1 ms to 100 s, so a second's latencies are 82 counters whatever the traffic.
///
/// Precision: a percentile is reported as the geometric middle of the bucket it falls
/// in, within 9 % (2^(1/8) − 1) of the true value between 0.1 ms and 100 s; below
/// 0.1 ms it reads 0.05 ms, above 100 s it reads 100 s. Percentiles are nearest-rank.
enum LatencyHistogram {
    /// Bucket 0 is below ``lowestMs``; the last is ``highestMs`` and above.
    static let bucketCount = 82
    static let lowestMs = 0.1
    static let highestMs = 100_000.0
    /// Buckets per doubling of the latency.
    private static let perDoubling = 4.0

    /// The bucket `milliseconds` is counted in.
    static func bucket(ofMs milliseconds: Double) -> Int {
        guard milliseconds >= lowestMs else { return 0 }
        guard milliseconds < highestMs else { return bucketCount - 1 }
        return min(bucketCount - 2, 1 + Int(log2(milliseconds / lowestMs) * perDoubling))
    }

    /// What a latency counted in `bucket` is reported as (ms).
    static func value(ofBucket bucket: Int) -> Double {
        if bucket <= 0 { return lowestMs / 2 }
        if bucket >= bucketCount - 1 { return highestMs }
        return lowestMs * exp2((Double(bucket) - 0.5) / perDoubling)
    }

    /// The nearest-rank `quantile` (0…1) of the latencies counted in `counts`
    /// (``bucketCount`` counters); 0 when nothing was counted.
    static func percentile(_ quantile: Double, of counts: some Collection<UInt32>) -> Double {
        let total = counts.reduce(0) { $0 + Int($1) }
        guard total > 0 else { return 0 }
        let rank = max(1, Int((quantile * Double(total)).rounded(.up)))
        var seen = 0
        for (bucket, count) in counts.enumerated() {
            seen += Int(count)
            if seen >= rank { return value(ofBucket: bucket) }
        }
        return value(ofBucket: bucketCount - 1)
    }
}
