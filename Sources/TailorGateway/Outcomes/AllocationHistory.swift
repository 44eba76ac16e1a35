import Foundation

/// What a bandit allocated over time, as this gateway computed it: one sample every
/// ``interval`` at most, the last ``capacity`` kept (an hour at 10 s). Each gateway
/// keeps its own from its start; gateways with the same counts compute the same
/// shares (the Monte Carlo seed is the experiment's), so any gateway's history tells
/// the same story. Nothing of it is stored.
struct AllocationHistory: Sendable, Equatable {
    struct Sample: Sendable, Equatable, Encodable {
        /// When the gateway computed it (ms since 1970).
        var atMillis: Int64
        /// Per context value, per variant name: its share of traffic.
        var shares: [String: [String: Double]]

        enum CodingKeys: String, CodingKey { case at, shares }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(Date(timeIntervalSince1970: Double(atMillis) / 1000), forKey: .at)
            try container.encode(shares, forKey: .shares)
        }
    }

    static let interval: Int64 = 10_000
    static let capacity = 360

    private(set) var samples: [Sample] = []

    /// Adds `shares` computed at `nowMillis` unless the last sample is younger than the interval.
    mutating func record(_ shares: [String: [String: Double]], nowMillis: Int64) {
        if let last = samples.last, nowMillis - last.atMillis < Self.interval { return }
        samples.append(Sample(atMillis: nowMillis, shares: shares))
        if samples.count > Self.capacity { samples.removeFirst(samples.count - Self.capacity) }
    }
}
