/// The simulation's clock: nanoseconds since the run began, advanced only by the simulation.
struct SimInstant: InstantProtocol, CustomStringConvertible {
    var nanoseconds: Int64

    static let zero = SimInstant(nanoseconds: 0)

    func advanced(by duration: Duration) -> SimInstant {
        let (seconds, attoseconds) = duration.components
        return SimInstant(nanoseconds: nanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func duration(to other: SimInstant) -> Duration {
        .nanoseconds(other.nanoseconds - nanoseconds)
    }

    static func < (lhs: SimInstant, rhs: SimInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    var seconds: Double { Double(nanoseconds) / 1e9 }
    var description: String { "t=\(seconds)s" }
}

/// SplitMix64 for the network's draws (the instances have their own seeded generators).
struct SimRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
