import TailorCRDT

/// Which variant a shopper sees: a stable point in [0, 1) per shopper and experiment,
/// laid over the variants' current shares. A shopper keeps their variant while the
/// shares stay put, on whichever gateway answers, with nothing stored.
package enum Assignment {
    /// A number in [0, 1) from the shopper and the experiment's salt, the same in every process and on every
    /// platform (never Swift's Hasher, which is seeded per process): FNV-1a 64 over salt + "\u{0}" + shopper
    /// followed by a SplitMix64 finaliser.
    ///
    /// FNV-1a alone mixes its last bytes poorly into the high bits, which are the ones
    /// that decide the variant; the finaliser spreads every input bit over them. The
    /// 0 byte keeps ("ab", "c") and ("a", "bc") apart.
    package static func unit(shopper: String, salt: String) -> Double {
        let hash = StableHash.fnv1a(bytes: Array(salt.utf8) + [0] + Array(shopper.utf8))
        return Double(SplitMix64.mix(hash) >> 11) * 0x1.0p-53
    }

    /// The arm whose cumulative share interval holds `unit` (the last arm for rounding leftovers).
    ///
    /// Negative or non-finite shares count as 0. 0 when `probabilities` is empty.
    package static func choose(unit: Double, probabilities: [Double]) -> Int {
        var cumulative = 0.0
        for (index, share) in probabilities.enumerated() {
            cumulative += share.isFinite ? max(0, share) : 0
            if unit < cumulative { return index }
        }
        return max(0, probabilities.count - 1)
    }
}
