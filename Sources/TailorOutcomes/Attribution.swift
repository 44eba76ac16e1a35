import TailorModel

/// How long after a touch a purchase is still credited to it.
package struct AttributionWindows: Sendable, Hashable {
    /// A click on a recommended item, then a purchase of that item within this (ms): click-through.
    package var clickThroughMillis: Int64
    /// A recommendation that showed an item, then a purchase of it within this (ms): view-through.
    package var viewThroughMillis: Int64

    package init(clickThroughMillis: Int64 = 7 * 86_400_000, viewThroughMillis: Int64 = 86_400_000) {
        self.clickThroughMillis = clickThroughMillis
        self.viewThroughMillis = viewThroughMillis
    }

    package static let standard = AttributionWindows()
}

/// The attribution rules (DESIGN.md §3), a pure function of one shopper's events, so
/// every replica holding the same events counts the same and a count is never lost
/// or made twice by a retry, a restart or anti-entropy:
///
/// 1. An `impression` marks its recommendation as shown (once, however many impression
///    events and items it had) and the items it names as seen at that time.
/// 2. A `click` or `add_to_cart` carrying a `recommendationId` counts for that
///    recommendation; a click also marks its items as clicked through it.
/// 3. Each `purchase` is attributed to at most one recommendation:
///    - **click-through**: the latest recommendation through which the shopper clicked
///      one of the purchased items within ``AttributionWindows/clickThroughMillis``
///      before the purchase (a purchase that itself carries a `recommendationId`
///      counts as a click through it at the purchase's time, so it wins);
///    - else **view-through**: the latest recommendation whose impression showed one of
///      the purchased items within ``AttributionWindows/viewThroughMillis`` before it;
///    - else nobody (the purchase owes nothing to a recommendation).
///    "Latest" orders by time, then by event id, so ties resolve the same everywhere.
/// 4. The attributed purchase adds 1 to `purchases`, and for each purchased item tied
///    to that recommendation (clicked or shown through it; every item when the
///    purchase named it) `price × quantity` to revenue and `(price − cost) × quantity`
///    to margin. The price is the purchase's `price` when it names one product, else
///    the catalog's price when the event arrived; an item without a cost adds no margin.
/// 5. Every outcome counts in the cell of its recommendation (``CellKey``).
package enum Attribution {
    /// One recommendation's outcomes among a shopper's events.
    package struct Outcome: Sendable, Hashable {
        package var ref: RecommendationRef
        package var shown = false
        package var clicks: Int64 = 0
        package var addToCarts: Int64 = 0
        package var purchases: Int64 = 0
        package var revenue: Double = 0
        package var margin: Double = 0

        package init(ref: RecommendationRef) { self.ref = ref }

        /// The per-impression reward for `objective`.
        package func reward(_ objective: Objective) -> Double {
            switch objective {
            case .clicks: clicks > 0 ? 1 : 0
            case .conversions: purchases > 0 ? 1 : 0
            case .revenue: revenue
            case .margin: margin
            }
        }
    }

    /// Whether the outcome loop needs the event at all (the ledger keeps only these).
    package static func matters(_ event: StoredEvent) -> Bool {
        switch event.type {
        case .impression, .purchase: true
        case .click, .addToCart: !event.recommendationID.isEmpty
        default: false
        }
    }

    private struct Touch {
        var product: String
        var atMillis: Int64
        var eventID: String
        var recommendation: String

        func isLater(than other: Touch) -> Bool { (atMillis, eventID) > (other.atMillis, other.eventID) }
    }

    /// Each recommendation's outcomes, by recommendation (its time and nonce), from one shopper's events
    /// (in any order; ids unique). Ids that do not read as recommendation ids are ignored.
    package static func outcomes(of events: [StoredEvent], windows: AttributionWindows = .standard) -> [String: Outcome] {
        // In one order on every replica, whatever order the events arrived in: sums of
        // amounts then add up in the same order, to the same bits.
        let events = events.sorted { ($0.atMillis, $0.id) < ($1.atMillis, $1.id) }
        var outcomes: [String: Outcome] = [:]
        var clicks: [String: [Touch]] = [:]
        var views: [String: [Touch]] = [:]
        // One recommendation however its id is spelled (``RecommendationRef/canonicalKey``).
        var canonical: [String: String] = [:]
        func outcome(_ text: String) -> String? {
            if let id = canonical[text] { return id }
            guard let ref = RecommendationIDCodec.fields(ofID: text) else { return nil }
            let id = ref.canonicalKey
            canonical[text] = id
            if outcomes[id] == nil { outcomes[id] = Outcome(ref: ref) }
            return id
        }
        for event in events where !event.recommendationID.isEmpty && event.type != .purchase {
            guard let id = outcome(event.recommendationID) else { continue }
            switch event.type {
            case .impression:
                outcomes[id]?.shown = true
                for product in event.products {
                    views[product.id, default: []].append(Touch(product: product.id, atMillis: event.atMillis, eventID: event.id, recommendation: id))
                }
            case .click:
                outcomes[id]?.clicks += 1
                for product in event.products {
                    clicks[product.id, default: []].append(Touch(product: product.id, atMillis: event.atMillis, eventID: event.id, recommendation: id))
                }
            case .addToCart:
                outcomes[id]?.addToCarts += 1
            default:
                break
            }
        }
        for purchase in events where purchase.type == .purchase {
            let (winner, explicit) = attribute(purchase, clicks: clicks, views: views, windows: windows, known: { outcome($0) })
            guard let winner else { continue }
            outcomes[winner]?.purchases += 1
            let tied = Set(
                (clicks.values.joined().filter { $0.recommendation == winner } + views.values.joined().filter { $0.recommendation == winner })
                    .map(\.product)
            )
            let quantity = Double(max(1, purchase.quantity))
            for item in purchase.products where explicit || tied.contains(item.id) {
                let price = purchase.products.count == 1 ? (purchase.unitPrice ?? item.price) : item.price
                outcomes[winner]?.revenue += price * quantity
                if let cost = item.cost { outcomes[winner]?.margin += (price - cost) * quantity }
            }
        }
        return outcomes
    }

    /// The recommendation `purchase` is attributed to, and whether the purchase named it itself.
    private static func attribute(
        _ purchase: StoredEvent, clicks: [String: [Touch]], views: [String: [Touch]], windows: AttributionWindows,
        known: (String) -> String?
    ) -> (String?, explicit: Bool) {
        if !purchase.recommendationID.isEmpty, let id = known(purchase.recommendationID) { return (id, true) }
        func latest(_ touches: [String: [Touch]], within window: Int64) -> Touch? {
            var best: Touch?
            for item in purchase.products {
                for touch in touches[item.id] ?? [] where touch.atMillis <= purchase.atMillis && touch.atMillis >= purchase.atMillis - window {
                    if best.map({ touch.isLater(than: $0) }) ?? true { best = touch }
                }
            }
            return best
        }
        if let click = latest(clicks, within: windows.clickThroughMillis) { return (click.recommendation, false) }
        return (latest(views, within: windows.viewThroughMillis)?.recommendation, false)
    }

    /// The cells of one shopper's outcomes (added in recommendation id order).
    package static func cells(of outcomes: [String: Outcome]) -> OutcomeCells {
        var cells: OutcomeCells = [:]
        for (_, outcome) in outcomes.sorted(by: { $0.key < $1.key }) {
            var counts = CellCounts()
            counts.impressions = outcome.shown ? 1 : 0
            counts.clicks = outcome.clicks
            counts.addToCarts = outcome.addToCarts
            counts.purchases = outcome.purchases
            counts.revenue = outcome.revenue
            counts.margin = outcome.margin
            if outcome.shown {
                let weight = 1 / Double(outcome.ref.propensity)
                counts.weights = weight
                counts.weightSquares = weight * weight
                for objective in Objective.allCases {
                    counts[objective].add(reward: outcome.reward(objective), weight: weight)
                }
            }
            cells[outcome.ref.cell, default: CellCounts()].add(counts)
        }
        return cells
    }
}
