import TailorModel

/// The outcome counts of one shopper partition, kept as a pure function of the events
/// it holds (DESIGN.md §2: attribution counts are derived, never counted twice, never
/// lost): the events that matter to the loop (``Attribution/matters(_:)``) per
/// shopper, a changed shopper's cells recomputed when the counts are next read, and the
/// partition's total summed in shopper order (so replicas holding the same events
/// report bit-identical sums).
package struct OutcomeLedger: Sendable {
    package let windows: AttributionWindows
    private var events: [String: [StoredEvent]] = [:]
    private var ids: [String: Set<String>] = [:]
    private var cellsByShopper: [String: OutcomeCells] = [:]
    private var cachedTotal: OutcomeCells?
    /// Per shopper, the experiment variants they were shown (an impression).
    private var variantsByShopper: [String: Set<VariantKey>] = [:]
    /// Shoppers whose events changed since their cells were last computed.
    private var dirty: Set<String> = []
    /// Events held, over every shopper.
    package private(set) var eventCount = 0

    package init(windows: AttributionWindows = .standard) {
        self.windows = windows
    }

    /// Records `event` when it matters and is new; true when the counts may have changed.
    @discardableResult
    package mutating func record(_ event: StoredEvent) -> Bool {
        guard Attribution.matters(event), ids[event.shopper, default: []].insert(event.id).inserted else { return false }
        // Only what attribution reads: no features, category or brand.
        var kept = event
        kept.products = event.products.map { ProductRef(id: $0.id, price: $0.price, cost: $0.cost) }
        kept.query = ""
        events[event.shopper, default: []].append(kept)
        eventCount += 1
        // Recounted when the counts are next read, once however many of the shopper's
        // events arrived since: a catch-up or a start-up applying thousands of one
        // shopper's events must not recount them thousands of times.
        dirty.insert(event.shopper)
        cachedTotal = nil
        return true
    }

    /// Forgets the shopper's events at or before `atMillis` (an erasure).
    package mutating func erase(_ shopper: String, atMillis: Int64) {
        guard let held = events[shopper] else { return }
        let kept = held.filter { $0.atMillis > atMillis }
        eventCount -= held.count - kept.count
        if kept.isEmpty {
            events[shopper] = nil
            ids[shopper] = nil
        } else {
            events[shopper] = kept
            ids[shopper] = Set(kept.map(\.id))
        }
        dirty.insert(shopper)
        cachedTotal = nil
    }

    /// Whether the shopper has an outcome event here (a known id, for `newVsReturning`).
    package func holds(_ shopper: String) -> Bool { events[shopper] != nil }

    /// The decisions the shopper was shown at or after `sinceMillis`, oldest first: one
    /// per decision (however many impressions or spellings of its id), at its earliest
    /// impression. An erased event is gone from here as from the counts.
    package func exposures(of shopper: String, sinceMillis: Int64) -> [Exposure] {
        var earliest: [String: Exposure] = [:]
        var refs: [String: RecommendationRef?] = [:]
        for event in events[shopper] ?? [] where event.type == .impression {
            let ref: RecommendationRef?
            if let read = refs[event.recommendationID] {
                ref = read
            } else {
                ref = RecommendationIDCodec.fields(ofID: event.recommendationID)
                refs[event.recommendationID] = .some(ref)
            }
            guard let ref, ref.isDecision else { continue }
            let key = ref.canonicalKey
            if let held = earliest[key], held.atMillis <= event.atMillis { continue }
            earliest[key] = Exposure(point: ref.point, treatment: ref.variant, atMillis: event.atMillis)
        }
        // The since filter after the earliest is found: a decision first shown before
        // `sinceMillis` is not an exposure since then, whatever its later impressions.
        return earliest.values.filter { $0.atMillis >= sinceMillis }
            .sorted { ($0.atMillis, $0.point, $0.treatment) < ($1.atMillis, $1.point, $1.treatment) }
    }

    private mutating func refresh() {
        for shopper in dirty { recount(shopper) }
        dirty.removeAll()
    }

    private mutating func recount(_ shopper: String) {
        let outcomes = events[shopper].map { Attribution.outcomes(of: $0, windows: windows) } ?? [:]
        let cells = Attribution.cells(of: outcomes)
        cellsByShopper[shopper] = cells.isEmpty ? nil : cells
        let variants = Set(outcomes.values.filter { $0.shown && !$0.ref.experiment.isEmpty }.map { VariantKey(experiment: $0.ref.experiment, variant: $0.ref.variant) })
        variantsByShopper[shopper] = variants.isEmpty ? nil : variants
        cachedTotal = nil
    }

    /// Shoppers shown each experiment variant (a shopper shown two variants of a bandit
    /// counts in both): what the sample ratio check compares, since assignment is per
    /// shopper and a shopper's repeat visits are not independent trials.
    package mutating func shoppersByVariant() -> [VariantKey: Int64] {
        refresh()
        var counts: [VariantKey: Int64] = [:]
        for variants in variantsByShopper.values {
            for variant in variants { counts[variant, default: 0] += 1 }
        }
        return counts
    }

    /// The partition's cells: every shopper's, added in shopper order.
    package mutating func cells() -> OutcomeCells {
        refresh()
        if let cachedTotal { return cachedTotal }
        var total: OutcomeCells = [:]
        for shopper in cellsByShopper.keys.sorted() { total.add(cellsByShopper[shopper]!) }
        cachedTotal = total
        return total
    }
}

/// An experiment's variant.
package struct VariantKey: Sendable, Hashable, Comparable {
    package var experiment: String
    package var variant: String

    package init(experiment: String, variant: String) {
        self.experiment = experiment
        self.variant = variant
    }

    package static func < (a: VariantKey, b: VariantKey) -> Bool { (a.experiment, a.variant) < (b.experiment, b.variant) }
}
