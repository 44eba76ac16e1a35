import Foundation
import Testing
import TailorModel
@testable import TailorScoring

/// The situation is built from strings interned when events are recorded; these
/// tests hold it to the same answer as summing the kept events' strings directly.
@Suite struct SituationSymbolsTests {
    /// A small deterministic generator (SplitMix64), so a failure replays.
    struct Draw {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// Odd paths on purpose: empty, a doubled separator, no separator, non-ASCII.
    static let oddCategories = ["", "A >  > B", "Solo", "Ünïcödé > Kätegorie > Tiefe", "A > B > C > D > E"]

    /// Events over `productCount` products whose category, brand and price change
    /// from one event to the next, some out of time order, some retried.
    static func events(seed: UInt64, count: Int, productCount: Int, categoryCount: Int) -> [StoredEvent] {
        var draw = Draw(state: seed)
        var events: [StoredEvent] = []
        for step in 0..<count {
            let type = EventType.allCases[draw.next(EventType.allCases.count)]
            var products: [ProductRef] = []
            if type != .search || draw.next(4) == 0 {
                for _ in 0..<(1 + draw.next(3)) {
                    let category = draw.next(6) == 0
                        ? oddCategories[draw.next(oddCategories.count)]
                        : "Dept \(draw.next(9)) > Sub \(draw.next(categoryCount)) > Leaf \(draw.next(3))"
                    products.append(ProductRef(
                        id: "p\(draw.next(productCount))", category: category,
                        brand: draw.next(5) == 0 ? "" : "Brand \(draw.next(40))",
                        price: draw.next(4) == 0 ? 0 : Double(1 + draw.next(500))
                    ))
                }
            }
            let jitter = Int64(draw.next(5) == 0 ? -draw.next(30) : 0) * 60_000
            let id = draw.next(20) == 0 && step > 0 ? "e\(draw.next(step))" : "e\(step)"
            events.append(StoredEvent(
                id: id, type: type, shopper: "u1", session: "s\(step / 7)", products: products,
                quantity: 1 + draw.next(3), query: type == .search ? "Query \(draw.next(10)) words" : "",
                atMillis: Fixture.now - Int64(count - step) * 120_000 + jitter
            ))
        }
        return events
    }

    /// The situation summed over the kept events' strings, as it was before interning.
    static func straightforward(_ profile: ShopperProfile, nowMillis: Int64) -> Situation {
        var itemWeight: [String: Float] = [:]
        var categories: [String: Float] = [:]
        var brands: [String: Float] = [:]
        var priceSum = 0.0
        var priceWeight = 0.0
        var query: [String] = []
        var queryFound = false
        // Ages count back from the newest event; recency has floors (time never erases).
        let newest = profile.events.map(\.atMillis).max() ?? nowMillis
        for (rank, event) in profile.events.reversed().enumerated() {
            let age = Double(max(0, newest - event.atMillis))
            if event.type == .search, !queryFound, !event.query.isEmpty {
                queryFound = true
                if nowMillis - event.atMillis <= ShopperProfile.queryFreshnessMillis { query = Words.of(event.query) }
            }
            guard !event.products.isEmpty else { continue }
            let interest = event.type.interest * ShopperProfile.quantityFactor(event.quantity)
            let recent = interest * Float(max(ShopperProfile.itemRecencyFloor, exp2(-age / ShopperProfile.itemHalfLifeMillis)))
                * pow(ShopperProfile.orderDecay, Float(rank))
            let lasting = interest * Float(max(ShopperProfile.affinityRecencyFloor, exp2(-age / ShopperProfile.affinityHalfLifeMillis)))
            for product in event.products {
                itemWeight[product.id, default: 0] += recent
                for prefix in Words.categoryPrefixes(product.category) { categories[prefix, default: 0] += lasting }
                if !product.brand.isEmpty { brands[product.brand, default: 0] += lasting }
                if product.price > 0, lasting > 0 {
                    priceSum += product.price * Double(lasting)
                    priceWeight += Double(lasting)
                }
            }
        }
        func normalised(_ values: [String: Float]) -> [String: Float] {
            let top = values.values.max() ?? 0
            guard top > 0 else { return [:] }
            return values.compactMapValues { $0 > 0 ? $0 / top : nil }
        }
        let items = itemWeight.filter { $0.value > 0 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(ShopperProfile.maximumSituationItems)
            .map { Situation.Item(product: $0.key, weight: $0.value) }
        return Situation(
            items: items, categoryAffinity: normalised(categories), brandAffinity: normalised(brands),
            typicalPrice: priceWeight > 0 ? priceSum / priceWeight : 0, purchased: profile.purchased, queryTerms: query
        )
    }

    /// What the interned keys name, read back as strings, equals what the kept events name.
    static func expectKeysMatchEvents(_ profile: ShopperProfile) {
        let symbols = profile.symbols
        var nameOf: [Int32: String] = [:]
        for (name, index) in symbols.indexByName { nameOf[index] = name }
        #expect(nameOf.count == symbols.nameCount)
        let products = profile.events.flatMap(\.products)
        #expect(symbols.keys.count == products.count)
        for (key, product) in zip(symbols.keys, products) {
            #expect(nameOf[key.product] == product.id)
            #expect(key.brand >= 0 ? nameOf[key.brand] == product.brand : product.brand.isEmpty)
            if key.category >= 0 {
                let category = symbols.categories[Int(key.category)]
                #expect(nameOf[category.path] == product.category)
                #expect(category.prefixes.map { nameOf[$0] } == Words.categoryPrefixes(product.category))
            } else {
                #expect(product.category.isEmpty)
            }
        }
        #expect(!symbols.isMostlyStale)
    }

    @Test(arguments: [
        (seed: UInt64(1), count: 60, productCount: 15, categoryCount: 3),
        (seed: UInt64(2), count: 700, productCount: 120, categoryCount: 5),
        (seed: UInt64(3), count: 1_500, productCount: 2_000, categoryCount: 400),
    ])
    func theSituationEqualsTheOneSummedOverStrings(seed: UInt64, count: Int, productCount: Int, categoryCount: Int) {
        var profile = ShopperProfile()
        for (step, event) in Self.events(seed: seed, count: count, productCount: productCount, categoryCount: categoryCount)
            .enumerated()
        {
            _ = profile.record(event)
            guard step % 50 == 49 || step == count - 1 else { continue }
            for now in [Fixture.now, Fixture.now + 30 * 60_000, Fixture.now + 20 * Fixture.day] {
                #expect(profile.situation(nowMillis: now) == Self.straightforward(profile, nowMillis: now))
            }
            Self.expectKeysMatchEvents(profile)
        }
    }

    @Test func aProductWhoseCategoryChangesCountsUnderTheCategoryEachEventSaw() {
        var profile = ShopperProfile()
        let before = ProductRef(id: "p1", category: "Shoes > Running", brand: "Acme", price: 100)
        var after = before
        after.category = "Outdoor > Trail"
        after.brand = "Peak"
        _ = profile.record(Fixture.event("e1", .view, [before], at: Fixture.now - 2000))
        _ = profile.record(Fixture.event("e2", .view, [after], at: Fixture.now - 1000))
        let situation = profile.situation(nowMillis: Fixture.now)
        #expect(situation == Self.straightforward(profile, nowMillis: Fixture.now))
        #expect(situation.categoryAffinity["Shoes"] != nil)
        #expect(situation.categoryAffinity["Outdoor > Trail"] == 1)
        #expect(situation.brandAffinity["Peak"] == 1)
        // Once the old event falls out, the old category and brand go with it.
        for step in 0..<ShopperProfile.maximumRecentEvents {
            _ = profile.record(Fixture.event("n\(step)", .view, [after], at: Fixture.now + Int64(step)))
        }
        let later = profile.situation(nowMillis: Fixture.now + 1000)
        #expect(later == Self.straightforward(profile, nowMillis: Fixture.now + 1000))
        #expect(later.categoryAffinity.keys.sorted() == ["Outdoor", "Outdoor > Trail"])
        #expect(later.brandAffinity.keys.sorted() == ["Peak"])
        Self.expectKeysMatchEvents(profile)
    }

    @Test func evictedProductsDoNotPileUpInTheSymbols() {
        var profile = ShopperProfile()
        let count = 10 * ShopperProfile.maximumRecentEvents
        for step in 0..<count {
            let product = ProductRef(id: "p\(step)", category: "Shoes > Running", brand: "Acme", price: 100)
            _ = profile.record(Fixture.event("e\(step)", .view, [product], at: Fixture.now - Int64(count - step) * 1000))
        }
        // The kept products, as many again evicted since the last rebuild at most,
        // and the category's two prefixes and the brand.
        #expect(profile.symbols.nameCount <= 2 * ShopperProfile.maximumRecentEvents + 3)
        #expect(profile.situation(nowMillis: Fixture.now) == Self.straightforward(profile, nowMillis: Fixture.now))
        Self.expectKeysMatchEvents(profile)
    }
}
