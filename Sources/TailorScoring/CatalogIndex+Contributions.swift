import TailorModel
import TailorCRDT

/// Interactions and pairs waiting for their product to arrive, in the same
/// landmark units as the slot columns.
struct PendingContributions: Sendable {
    var popularity: Double = 0
    var trend: Double = 0
    var pairs: [(source: String, weight: Float)] = []
}

extension CatalogIndex {
    /// Products with pending contributions at most; beyond it, contributions to unknown
    /// products are dropped (a catalog feed that never arrives must not grow memory).
    static let maximumPendingProducts = 50_000
    /// Event ids a partition remembers for counting each event once. Duplicates
    /// come from the R replicas of the shopper's partition reporting the same event
    /// within moments, and from client retries; at 1,000 events/s over 32
    /// partitions (a few products each) 50,000 ids are about a quarter of an hour.
    package static let rememberedEventIDs = 50_000

    /// What an event id is remembered as, for counting each event once here and in
    /// profiles: its 64-bit FNV-1a hash, 8 bytes instead of the id's string (about 60
    /// bytes with its allocation). Two ids of one window hashing alike (about 1 in
    /// 10^10 for 50,000) would make the later one count as a retry.
    package static func eventKey(_ id: String) -> UInt64 {
        StableHash.fnv1a(id)
    }

    /// Applies one event's contributions once per event id; false when this
    /// event was already applied (among the last ``rememberedEventIDs``).
    ///
    /// Interactions count for products this partition owns (`ownsProduct`): added to
    /// the forward-decayed popularity (7-day half-life) and trend (6-hour half-life)
    /// slots. Negative interactions (removals from the cart) are not added: the
    /// slots only grow so that replicas can merge them by max. Pairs are added to the
    /// inverted index when this partition owns their target. Contributions to owned
    /// products not held yet wait in a bounded pending table until the product arrives.
    ///
    /// A node passes `countingInteractions: false`: its live counts arrive by gossip
    /// instead (``addCounts(_:landmark:ownsProduct:)``), counted once in the cluster
    /// by the gateway that accepted the event; the demo loader counts them here.
    ///
    /// Each event id counts once per `partition` (the node index holds several: an
    /// event's pairs reach each of them, and each counts it once).
    package mutating func apply(
        _ contributions: EventContributions, countingInteractions: Bool = true, partition: Int = 0, ownsProduct: (String) -> Bool
    ) -> Bool {
        let key = Int32(partition)
        if appliedEvents[key] == nil { appliedEvents[key] = RecentKeys(capacity: Self.rememberedEventIDs) }
        guard appliedEvents[key]!.insert(Self.eventKey(contributions.eventID)) else { return false }
        let (popularityWeight, trendWeight) = slotWeights(atMillis: contributions.atMillis)

        for interaction in contributions.interactions where countingInteractions && interaction.weight > 0 && ownsProduct(interaction.product) {
            let weight = Double(interaction.weight)
            if let row = rowByID[interaction.product].map(Int.init), numbers[row].partition == key {
                numbers[row].popularitySlots += weight * popularityWeight
                numbers[row].trendSlots += weight * trendWeight
            } else if canHoldPending(interaction.product) {
                pending[interaction.product, default: PendingContributions()].popularity += weight * popularityWeight
                pending[interaction.product, default: PendingContributions()].trend += weight * trendWeight
            }
        }
        for pair in contributions.pairs where pair.weight > 0 && ownsProduct(pair.target) {
            if let row = rowByID[pair.target], numbers[Int(row)].partition == key {
                cooccurrence.add(source: vocabulary.product(pair.source), row: row, weight: pair.weight)
            } else if canHoldPending(pair.target) {
                pending[pair.target, default: PendingContributions()].pairs.append((pair.source, pair.weight))
            }
        }
        return true
    }

    /// Adds counts that arrived by gossip: per product, popularity and trend sums
    /// relative to `landmark` (the sender's counter table's), converted to this index's.
    /// Products not held yet wait in the pending table, like contributions.
    package mutating func addCounts(_ counts: [(product: String, popularity: Double, trend: Double)], landmark from: Int64, ownsProduct: (String) -> Bool) {
        // A sum relative to `from` is worth exp(λ (from - L)) times as much relative to L.
        let (popularityScale, trendScale) = slotWeights(atMillis: from)
        for count in counts where ownsProduct(count.product) && count.popularity >= 0 && count.trend >= 0 {
            if let row = rowByID[count.product].map(Int.init) {
                numbers[row].popularitySlots += count.popularity * popularityScale
                numbers[row].trendSlots += count.trend * trendScale
            } else if canHoldPending(count.product) {
                pending[count.product, default: PendingContributions()].popularity += count.popularity * popularityScale
                pending[count.product, default: PendingContributions()].trend += count.trend * trendScale
            }
        }
    }

    /// What one unit at `atMillis` adds to the popularity and trend slots, after moving
    /// the landmark there first when it is unset or the exponent would grow too large.
    private mutating func slotWeights(atMillis at: Int64) -> (popularity: Double, trend: Double) {
        if landmark == nil { landmark = at }
        if let current = landmark, ForwardDecay.trend.exponent(atMillis: at, landmark: current) > ForwardDecay.maximumExponent {
            moveLandmark(to: at)
        }
        let landmark = self.landmark ?? at
        return (ForwardDecay.popularity.weight(atMillis: at, landmark: landmark), ForwardDecay.trend.weight(atMillis: at, landmark: landmark))
    }

    /// The decayed popularity and trend counts of a product at `nowMillis` (0 when
    /// nothing was recorded), for debugging and tests.
    package func counters(of id: String, nowMillis: Int64) -> (popularity: Double, trend: Double) {
        guard let row = rowByID[id].map(Int.init), let landmark else { return (0, 0) }
        return (
            numbers[row].popularitySlots * ForwardDecay.popularity.valueFactor(nowMillis: nowMillis, landmark: landmark),
            numbers[row].trendSlots * ForwardDecay.trend.valueFactor(nowMillis: nowMillis, landmark: landmark)
        )
    }

    /// Moves the landmark to `newLandmark`, rescaling every slot uniformly so that no
    /// value read at any time changes.
    mutating func moveLandmark(to newLandmark: Int64) {
        guard let old = landmark else {
            landmark = newLandmark
            return
        }
        let popularityScale = ForwardDecay.popularity.valueFactor(nowMillis: newLandmark, landmark: old)
        let trendScale = ForwardDecay.trend.valueFactor(nowMillis: newLandmark, landmark: old)
        for row in numbers.indices {
            numbers[row].popularitySlots *= popularityScale
            numbers[row].trendSlots *= trendScale
        }
        for id in Array(pending.keys) {
            pending[id]?.popularity *= popularityScale
            pending[id]?.trend *= trendScale
        }
        landmark = newLandmark
    }

    /// Folds what waited for a product into its new row.
    mutating func applyPending(_ waiting: PendingContributions, row: Int) {
        numbers[row].popularitySlots += waiting.popularity
        numbers[row].trendSlots += waiting.trend
        for pair in waiting.pairs { cooccurrence.add(source: vocabulary.product(pair.source), row: Int32(row), weight: pair.weight) }
    }

    private func canHoldPending(_ id: String) -> Bool {
        pending[id] != nil || pending.count < Self.maximumPendingProducts
    }
}
