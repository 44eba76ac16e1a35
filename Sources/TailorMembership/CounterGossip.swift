import TailorCRDT

/// The counter side of gossip, pure: a member's ``CounterTable``, what it sends each
/// round (the delta since the last round, to a few members) and every second (its
/// digest, to one member: anti-entropy that repairs lost deltas by exchanging the
/// buckets of products that differ, both ways), and what it does with what arrives.
package struct CounterGossip: Sendable {
    package private(set) var table: CounterTable
    /// This member's own slot: its name and this run's generation.
    package let slot: SlotID
    /// Members (by address) that joined or came back, each being sent the whole table
    /// once: where its walk is, and how many products it still has to be sent.
    private var catchUps: [String: (cursor: Int, remaining: Int)] = [:]
    /// Products per catch-up chunk (one per gossip round to each member catching up).
    package static let catchUpChunkSize = 512
    /// Products at most per answer to a digest (about 110 KB with one counting
    /// gateway's slot): with 100,000 products a bucket holds about 390, so a smaller
    /// answer would repair a member that missed a little everywhere one bucket a second.
    package static let answerLimit = 2_048
    /// A delta whose landmark is further ahead of this member's clock than this is
    /// refused: one member with a clock far in the future would otherwise drag every
    /// landmark forward and decay every count to nothing.
    package static let maximumLandmarkLeadMillis: Int64 = 3_600_000

    /// - Parameter landmark: aligned to a whole day (``DecayedCounter/alignedLandmark(_:)``),
    ///   so that members started at different times share it.
    package init(slot: SlotID, landmark: Int64) {
        self.slot = slot
        table = CounterTable(landmark: DecayedCounter.alignedLandmark(landmark))
    }

    /// Counts one interaction of this member's (once per event and product).
    @discardableResult
    package mutating func count(product: String, weight: Double, atMillis: Int64, eventID: String) -> Bool {
        guard weight > 0, weight.isFinite else { return false }
        return table.add(product: product, weight: weight, atMillis: atMillis, slot: slot, eventID: eventID)
    }

    /// What changed since the last round, or nil when nothing did.
    package mutating func delta() -> CounterDelta? {
        let delta = table.takeDelta()
        return delta.isEmpty ? nil : delta
    }

    /// This member's digest, sent to one member every second: anti-entropy that
    /// repairs what lost deltas left behind, sending only the buckets that differ.
    package var digest: [UInt64] { table.bucketDigest }

    /// A member's ``digest`` arrived: this member's state of the buckets that differ
    /// (at most ``answerLimit`` products, whole buckets), to send back with a
    /// request for the sender's state of the same buckets; nil when nothing differs or
    /// the digest has another number of buckets.
    ///
    /// Both directions matter: this member may be the one behind, or the sender. After
    /// the sender merges this state and answers with its own (``state(ofBuckets:)``),
    /// both hold the union there.
    package func answer(digest: [UInt64]) -> (state: CounterDelta, buckets: [Int])? {
        guard let differing = table.bucketsDiffering(from: digest), !differing.isEmpty else { return nil }
        return table.state(ofBuckets: differing, limit: Self.answerLimit)
    }

    /// This member's state of `buckets`, which a member asked for with its answer to
    /// this member's digest: at most ``answerLimit`` products too (whole buckets), since
    /// this member may hold far more there than the asker (a restarted member asks for
    /// every bucket); the rest is exchanged in later rounds.
    package func state(ofBuckets buckets: [Int]) -> CounterDelta {
        table.state(ofBuckets: Array(buckets.prefix(CounterTable.digestBuckets)), limit: Self.answerLimit).state
    }

    /// Starts sending the whole table to a member that joined, restarted or came back
    /// from suspect or dead: it missed the deltas sent meanwhile, and the digest exchange
    /// alone would take about a second per 2,048 products to repair that.
    package mutating func startCatchUp(of member: String) {
        guard table.productCount > 0 else { return }
        catchUps[member] = (0, table.productCount)
    }

    /// The members being caught up, if any, with the next chunk for each; a member's
    /// catch-up ends once it was sent as many products as the table held when it began.
    package mutating func catchUpChunks() -> [(member: String, state: CounterDelta)] {
        var chunks: [(member: String, state: CounterDelta)] = []
        for (member, progress) in catchUps.sorted(by: { $0.key < $1.key }) {
            let (state, next) = table.state(from: progress.cursor, limit: Self.catchUpChunkSize)
            let remaining = progress.remaining - Self.catchUpChunkSize
            catchUps[member] = remaining > 0 ? (next, remaining) : nil
            chunks.append((member, state))
        }
        return chunks
    }

    /// Merges what another member sent; returns the products whose counters grew, or
    /// nil when the delta was refused (not finite, negative, or from a clock far ahead).
    package mutating func receive(_ delta: CounterDelta, nowMillis: Int64) -> Set<String>? {
        guard delta.isWellFormed, delta.landmark <= nowMillis + Self.maximumLandmarkLeadMillis else { return nil }
        return table.merge(delta)
    }
}
