import Foundation
import TailorCRDT

/// Random counters and tables for the property tests, and the tolerance their values
/// are compared with when landmarks differ (rounding of rescales, not behaviour).
enum Gen {
    static let cases = 200
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour
    /// Epoch-like start, so that times are in the range members really see.
    static let start: Int64 = 1_767_225_600_000
    /// Additions within this span of a landmark never move it (the trend exponent
    /// reaches ForwardDecay.maximumExponent after about 21 days).
    static let quietSpan = 10 * day

    static let members = ["m0", "m1", "m2", "m3"]
    static let products = ["p0", "p1", "p2", "p3", "p4", "p5"]

    static func slot(_ random: inout SplitMix64) -> SlotID {
        SlotID(member: members[random.below(members.count)], incarnation: UInt64(1 + random.below(2)))
    }

    static func weight(_ random: inout SplitMix64) -> Double { 0.25 + 4 * random.unit() }

    /// A counter at `landmark` with additions in `landmark ..< landmark + span` (a
    /// span beyond `quietSpan` lets the counter move its landmark).
    static func counter(_ random: inout SplitMix64, landmark: Int64, span: Int64 = quietSpan) -> DecayedCounter {
        var counter = DecayedCounter(landmark: landmark)
        for _ in 0..<(1 + random.below(12)) {
            let at = landmark + Int64(random.unit() * Double(span))
            counter.add(weight: weight(&random), atMillis: at, slot: slot(&random))
        }
        return counter
    }

    /// A landmark for a counter: all equal to `start`, or spread over 60 days.
    static func landmark(_ random: inout SplitMix64, spread: Bool) -> Int64 {
        spread ? start + Int64(random.below(60)) * day + Int64(random.below(24)) * hour : start
    }

    /// Whether `a` and `b` agree within `relative` (values read, not bits).
    static func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b)) + 1e-300
    }

    /// Times at which values are compared: around and after every landmark used.
    static let readTimes: [Int64] = [start, start + 30 * day, start + 61 * day, start + 90 * day]

    /// Whether two counters read the same popularity and trend at every read time.
    static func sameValues(_ a: DecayedCounter, _ b: DecayedCounter) -> Bool {
        readTimes.allSatisfy {
            close(a.popularity(nowMillis: $0), b.popularity(nowMillis: $0))
                && close(a.trendCount(nowMillis: $0), b.trendCount(nowMillis: $0))
        }
    }

    /// Whether two tables read the same popularity and trend for every product.
    static func sameValues(_ a: CounterTable, _ b: CounterTable) -> Bool {
        products.allSatisfy { product in
            readTimes.allSatisfy {
                close(a.popularity(of: product, nowMillis: $0), b.popularity(of: product, nowMillis: $0))
                    && close(a.trendCount(of: product, nowMillis: $0), b.trendCount(of: product, nowMillis: $0))
            }
        }
    }
}

extension DecayedCounter {
    /// `self` merged with `other`, for writing the laws as equations.
    func merging(_ other: DecayedCounter) -> DecayedCounter {
        var merged = self
        merged.merge(other)
        return merged
    }
}
