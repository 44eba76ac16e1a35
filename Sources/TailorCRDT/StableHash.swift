/// 64-bit FNV-1a: a hash that is the same in every process and on every machine.
///
/// Swift's `Hasher` is seeded per process, so it cannot place keys: every member
/// must compute the same partition for a key, and the same replicas for a partition.
package enum StableHash {
    @usableFromInline static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    @usableFromInline static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a over the UTF-8 bytes of `text`.
    ///
    /// Inlinable, as is ``fnv1a(bytes:)``, so that callers in other modules get it
    /// specialised for their string type: unspecialised, with the metadata lookups it
    /// made, a profile of ingest showed it at 2 % of the cluster's CPU.
    @inlinable
    package static func fnv1a(_ text: some StringProtocol) -> UInt64 {
        fnv1a(bytes: text.utf8)
    }

    /// FNV-1a over the UTF-8 bytes of `text`: the concrete entry that String keys take.
    ///
    /// Not generic on purpose. A method reference such as `ids.map(shardMap.partition(of:))`
    /// reached the generic version unspecialised, inlinable or not: a profile of an
    /// import's ingest showed that path (metadata lookups, an iterator per byte) at
    /// 5 % of the cluster's CPU. Overload resolution picks this one for every `String`.
    package static func fnv1a(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { fnv1a(bytes: $0) }
    }

    /// FNV-1a over bytes.
    @inlinable
    package static func fnv1a(bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= prime
        }
        return hash
    }

    /// Mixes two 64-bit values into one well-spread value (SplitMix64's finaliser),
    /// used for rendezvous weights where FNV-1a alone clusters.
    package static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a &+ (b &* 0x9e37_79b9_7f4a_7c15)
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
