import TailorModel
import Foundation
import TailorCRDT

/// One shopper's profile: a pure function of the events recorded for them
/// (DESIGN.md §2), so replicas that hold the same event set agree on it.
///
/// It keeps the most recent ``ShopperProfile/maximumRecentEvents`` events (in time
/// order), the ids of the last ``ShopperProfile/rememberedEventIDs`` events recorded
/// (so a retried event is a no-op) and the products the shopper bought.
package struct ShopperProfile: Sendable {
    /// Events kept for the situation and for co-occurrence with the next events.
    package static let maximumRecentEvents = 200
    /// Event ids remembered per shopper for recognising retries: a client retries
    /// within seconds, and a shopper's 1,000 later events take far longer than that.
    package static let rememberedEventIDs = 1_000
    /// Earlier events of the same session a new event is paired with.
    static let pairWindow = 3
    /// Pairs between two cart/purchase steps say more than pairs between views.
    static let strongPairFactor: Float = 2
    /// A pair read backwards ("shoppers who saw B had seen A before") says less about
    /// what comes next than the forward one; chosen on validation items (README,
    /// Recommendation quality): 1 gave NDCG@10 0.059, 0.5 0.064, 0.25 0.064.
    static let backwardPairFactor: Float = 0.5

    /// The kept events, oldest first, in compact form (``kept(_:)``): without the
    /// event's id, shopper, recommendation id and unit price, which nothing here reads
    /// (the store holds whole events: export reads them there), and with their product
    /// references shared across the process (``ProductRefInterner``).
    package private(set) var events: [StoredEvent] = []
    /// Events recorded over the profile's life, not only those kept.
    package private(set) var eventCount = 0
    /// 64-bit hashes of the ids (``CatalogIndex/eventKey(_:)``), not the ids: 8 bytes each.
    private var seenIDs = RecentKeys<UInt64>(capacity: rememberedEventIDs)
    /// Products the shopper bought, in the order of their first purchase.
    package private(set) var purchased: [String] = []
    private var purchasedSet: Set<String> = []
    /// Every purchase recorded over the profile's life, summed (orders, value, times).
    package private(set) var purchases = PurchaseSummary()
    /// The kept events' products interned, in step with ``events`` (for ``situation(nowMillis:)``).
    private(set) var symbols = ProfileSymbols()

    package init() {}

    /// Records one event and says what it contributes to the catalog side, or nil
    /// when this event id was already recorded (a client retry).
    ///
    /// Interactions weigh each product by the event type's interest (damped for
    /// large quantities). Pairs link this event's products with those of the same
    /// session's previous ``pairWindow`` steps (weight `1 / distance`, doubled when
    /// both steps are carts or purchases), forward (earlier → later) at that weight and
    /// backward at ``backwardPairFactor`` of it, and the products of
    /// one cart or purchase event with each other (weight 2). A removal from the
    /// cart yields only its (negative) interaction, never pairs.
    ///
    /// `computingPairs: false` skips the pairs (a node rebuilding a profile from its
    /// store: the catalog side already holds them) and returns the interactions only.
    package mutating func record(_ event: StoredEvent, computingPairs: Bool = true) -> EventContributions? {
        guard seenIDs.insert(CatalogIndex.eventKey(event.id)) else { return nil }
        eventCount += 1
        if event.type == .purchase {
            purchases.add(event)
            for product in event.products where purchasedSet.insert(product.id).inserted {
                purchased.append(product.id)
            }
        }
        // Events may arrive out of order; keep them sorted by time so "the previous
        // steps" means the same thing on every replica.
        var position = events.count
        var keyOffset = symbols.keys.count
        while position > 0, events[position - 1].atMillis > event.atMillis {
            position -= 1
            keyOffset -= events[position].products.count
        }
        let pairs = computingPairs ? Self.pairs(for: event, earlier: events[0..<position]) : []
        let kept = Self.kept(event)
        events.insert(kept, at: position)
        symbols.insert(kept.products, at: keyOffset)
        if events.count > Self.maximumRecentEvents {
            let evicted = events.count - Self.maximumRecentEvents
            symbols.removeFirst(events[0..<evicted].reduce(0) { $0 + $1.products.count })
            events.removeFirst(evicted)
            if symbols.isMostlyStale { symbols = ProfileSymbols(events) }
        }

        return EventContributions(eventID: event.id, atMillis: event.atMillis, interactions: Self.interactions(of: event), pairs: pairs)
    }

    /// What a profile keeps of an event: what its situation and pairs read (type, time,
    /// session, quantity, query, products), the products' references shared.
    static func kept(_ event: StoredEvent) -> StoredEvent {
        StoredEvent(
            id: "", type: event.type, shopper: "", session: event.session,
            products: event.products.map(ProductRefInterner.shared.canonical),
            quantity: event.quantity, query: event.query, atMillis: event.atMillis
        )
    }

    /// The popularity an event adds to each of its products: the event type's
    /// interest, damped for large quantities. Needs no profile, so the gateway counts
    /// the events it does not store (a shopper without consent) the same way.
    package static func interactions(of event: StoredEvent) -> [EventContributions.Interaction] {
        let factor = quantityFactor(event.quantity) * event.type.interest
        return event.products.map { EventContributions.Interaction(product: $0.id, weight: factor) }
    }

    /// Buying ten of a thing says more than buying one, but not ten times more.
    static func quantityFactor(_ quantity: Int) -> Float {
        1 + Float(log(Double(max(1, quantity))))
    }

    private static func isStrong(_ type: EventType) -> Bool {
        type == .addToCart || type == .purchase
    }

    private static func pairs(for event: StoredEvent, earlier: ArraySlice<StoredEvent>) -> [EventContributions.Pair] {
        guard event.type != .removeFromCart, !event.products.isEmpty else { return [] }
        var collector = PairCollector()
        var distance = 0
        for previous in earlier.reversed() where previous.session == event.session {
            guard previous.type != .removeFromCart, !previous.products.isEmpty else { continue }
            distance += 1
            if distance > pairWindow { break }
            var weight = 1 / Float(distance)
            if isStrong(previous.type) && isStrong(event.type) { weight *= strongPairFactor }
            for source in previous.products {
                for target in event.products {
                    collector.add(source.id, target.id, weight)
                    collector.add(target.id, source.id, weight * backwardPairFactor)
                }
            }
        }
        if isStrong(event.type) && event.products.count > 1 {
            for first in event.products {
                for second in event.products { collector.add(first.id, second.id, strongPairFactor) }
            }
        }
        return collector.pairs
    }
}

/// Sums repeated pairs of one event so each (source, target) appears once, in first-seen order.
private struct PairCollector {
    var pairs: [EventContributions.Pair] = []
    var index: [String: [String: Int]] = [:]

    mutating func add(_ source: String, _ target: String, _ weight: Float) {
        guard source != target else { return }
        if let at = index[source]?[target] {
            pairs[at].weight += weight
        } else {
            index[source, default: [:]][target] = pairs.count
            pairs.append(EventContributions.Pair(source: source, target: target, weight: weight))
        }
    }
}
