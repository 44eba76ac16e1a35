import TailorCRDT
import TailorMembership

/// What the simulated network does to messages: each is lost with probability
/// `loss`, otherwise delivered after a delay drawn uniformly from `delay` (so
/// messages overtake each other: reordering), unless a partition separates sender
/// and receiver. A paused member receives nothing until it resumes, then everything
/// that queued up (what a stopped process finds in its socket buffers).
struct NetworkConditions {
    var loss = 0.0
    var delay: ClosedRange<Double> = 0.0005...0.002
    /// Groups of member names that can reach only each other; empty: no partition.
    var partition: [Set<String>] = []

    func connected(_ from: String, _ to: String) -> Bool {
        guard !partition.isEmpty else { return true }
        return partition.contains { $0.contains(from) && $0.contains(to) }
    }
}

/// A scheduled delivery, ordered by time, then by send order (deterministic ties).
struct Delivery: Comparable {
    var at: SimInstant
    var order: UInt64
    var to: String
    var envelope: SWIMEnvelopeBox

    static func < (lhs: Delivery, rhs: Delivery) -> Bool { (lhs.at, lhs.order) < (rhs.at, rhs.order) }
    static func == (lhs: Delivery, rhs: Delivery) -> Bool { lhs.order == rhs.order }
}

/// What travels: a SWIM envelope or a counter delta (boxed so `Delivery` is
/// `Comparable` on its schedule alone).
struct SWIMEnvelopeBox {
    var value: SWIMEnvelope?
    var counters: CounterDelta?
    /// Counter anti-entropy: the sender's bucket digest, or the buckets it asks back.
    var counterDigest: [UInt64]?
    var wantedBuckets: [Int]?
    /// Who sent it (counter messages are answered).
    var from: String?
}
