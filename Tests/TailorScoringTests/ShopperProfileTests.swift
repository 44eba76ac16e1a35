import Testing
import TailorModel
@testable import TailorScoring

@Suite struct ShopperProfileTests {
    let shoe = Fixture.ref(Fixture.product("shoe"))
    let sock = Fixture.ref(Fixture.product("sock", ["Apparel", "Socks"], brand: "Knit", price: 10))
    let cap = Fixture.ref(Fixture.product("cap", ["Apparel", "Hats"], brand: "Knit", price: 20))
    let tent = Fixture.ref(Fixture.product("tent", ["Outdoor", "Tents"], brand: "Camp", price: 300))
    let lamp = Fixture.ref(Fixture.product("lamp", ["Home", "Lamps"], brand: "Lux", price: 50))

    @Test func aRetriedEventIsANoOp() {
        var profile = ShopperProfile()
        let event = Fixture.event("e1", .view, [shoe])
        let outcome1 = profile.record(event) != nil
        #expect(outcome1)
        let outcome2 = profile.record(event) == nil
        #expect(outcome2)
        #expect(profile.eventCount == 1)
        #expect(profile.events.count == 1)
    }

    @Test("profiles share one copy of each product reference; a changed product is held anew")
    func productReferencesAreShared() {
        let interner = ProductRefInterner()
        // Two equal references made apart (as two decoded events make them).
        let first = Fixture.ref(Fixture.product("mug", ["Home", "Kitchen"], brand: "Clay", price: 12))
        let second = Fixture.ref(Fixture.product("mug", ["Home", "Kitchen"], brand: "Clay", price: 12))
        #expect(interner.canonical(first) == first)
        #expect(interner.canonical(second) == second)
        #expect(interner.count == 1)
        // The same value, whichever copy comes back: situations cannot tell.
        var repriced = second
        repriced.price = 15
        #expect(interner.canonical(repriced).price == 15)
        #expect(interner.canonical(second).price == 12, "an older reference is still answered with its own value")
        #expect(interner.count == 1)
    }

    @Test("a kept event holds what situations and pairs read, and retries are still recognised")
    func keptEventsAreCompact() {
        var profile = ShopperProfile()
        var event = Fixture.event("order-1", .purchase, [sock, cap])
        event.recommendationID = "rec-1"
        event.unitPrice = 9
        event.query = "warm socks"
        _ = profile.record(event)
        let kept = profile.events[0]
        #expect(kept.id.isEmpty && kept.shopper.isEmpty && kept.recommendationID.isEmpty && kept.unitPrice == nil)
        #expect(kept.type == .purchase && kept.atMillis == event.atMillis && kept.session == event.session && kept.query == "warm socks")
        #expect(kept.products == event.products)
        #expect(profile.record(event) == nil, "the same id again is a retry")
        #expect(profile.purchased == [sock.id, cap.id])
    }

    @Test func viewingOneCategoryMakesItTheTopAffinityAndItsItemsTheTopSeeds() {
        var profile = ShopperProfile()
        _ = profile.record(Fixture.event("e0", .view, [lamp], at: Fixture.now - 3 * Fixture.day))
        let running = (1...4).map { Fixture.ref(Fixture.product("run\($0)")) }
        for (step, item) in running.enumerated() {
            _ = profile.record(Fixture.event("r\(step)", .view, [item], at: Fixture.now - Int64(10 - step) * 60_000))
        }
        let situation = profile.situation(nowMillis: Fixture.now)
        #expect(situation.categoryAffinity["Shoes > Running"] == 1)
        #expect(situation.categoryAffinity["Shoes"] == 1)
        #expect((situation.categoryAffinity["Home > Lamps"] ?? 0) < 0.5)
        #expect(situation.brandAffinity["Acme"] == 1)
        #expect(Set(situation.items.prefix(4).map(\.product)) == Set(running.map(\.id)))
        // The latest view leads among equal interests.
        #expect(situation.items.first?.product == "run4")
        #expect(situation.items.last?.product == "lamp")
        #expect(abs(situation.typicalPrice - 100) < 20)
    }

    @Test func aRemovalFromTheCartCancelsInterestAndMakesNoPairs() {
        var profile = ShopperProfile()
        _ = profile.record(Fixture.event("e1", .view, [sock], at: Fixture.now - 2000))
        let removal = profile.record(Fixture.event("e2", .removeFromCart, [sock, shoe], at: Fixture.now - 1000))
        #expect(removal?.pairs.isEmpty == true)
        #expect(removal?.interactions.first?.weight ?? 0 < 0)
        let situation = profile.situation(nowMillis: Fixture.now)
        #expect(!situation.items.contains { $0.product == "shoe" })
        #expect(!situation.items.contains { $0.product == "sock" })
    }

    @Test func pairsLinkTheLastThreeStepsOfTheSameSessionForwardAndAtHalfWeightBackward() throws {
        var profile = ShopperProfile()
        let steps = [shoe, sock, cap, tent]
        for (step, item) in steps.enumerated() {
            _ = profile.record(Fixture.event("e\(step)", .view, [item], at: Fixture.now + Int64(step) * 1000))
        }
        _ = profile.record(Fixture.event("other", .view, [lamp], session: "s2", at: Fixture.now + 4500))
        let recorded = profile.record(Fixture.event("e5", .view, [lamp], at: Fixture.now + 5000))
        let contributions = try #require(recorded)
        func weight(_ source: String, _ target: String) -> Float? {
            contributions.pairs.first { $0.source == source && $0.target == target }?.weight
        }
        // Forward (earlier → later) at 1 / distance, backward at half that.
        #expect(weight("tent", "lamp") == 1)
        #expect(weight("lamp", "tent") == 0.5)
        #expect(weight("cap", "lamp") == 0.5)
        #expect(weight("lamp", "sock") == Float(1) / 3 * 0.5)
        // Four steps back, and the other session, are out of reach; no self pairs.
        #expect(weight("shoe", "lamp") == nil)
        #expect(weight("lamp", "lamp") == nil)
        #expect(contributions.pairs.count == 6)
    }

    @Test func cartStepsPairMoreStronglyAndAPurchasePairsItsOwnProducts() throws {
        var profile = ShopperProfile()
        _ = profile.record(Fixture.event("e1", .addToCart, [shoe], at: Fixture.now))
        let recorded = profile.record(Fixture.event("e2", .purchase, [sock, cap], at: Fixture.now + 1000))
        let contributions = try #require(recorded)
        #expect(contributions.pairs.contains { $0.source == "shoe" && $0.target == "sock" && $0.weight == 2 })
        #expect(contributions.pairs.contains { $0.source == "sock" && $0.target == "cap" && $0.weight == 2 })
        #expect(contributions.pairs.contains { $0.source == "cap" && $0.target == "sock" })
        #expect(contributions.interactions.map(\.weight) == [8, 8])
        #expect(profile.purchased == ["sock", "cap"])
        #expect(profile.situation(nowMillis: Fixture.now + 2000).purchased == ["sock", "cap"])
    }

    @Test func onlyAFreshSearchQueryBecomesQueryTerms() {
        var profile = ShopperProfile()
        _ = profile.record(Fixture.event("q1", .search, [], at: Fixture.now - 10 * 60_000, query: "Trail Running-Shoes"))
        #expect(profile.situation(nowMillis: Fixture.now).queryTerms == ["trail", "running", "shoes"])
        #expect(profile.situation(nowMillis: Fixture.now + 2 * Fixture.hour).queryTerms.isEmpty)
    }

    @Test func olderEventsFallOutButTheirIdsStayKnown() {
        var profile = ShopperProfile()
        for step in 0..<(ShopperProfile.maximumRecentEvents + 10) {
            _ = profile.record(Fixture.event("e\(step)", .view, [shoe], at: Fixture.now + Int64(step)))
        }
        #expect(profile.events.count == ShopperProfile.maximumRecentEvents)
        let outcome3 = profile.record(Fixture.event("e0", .view, [shoe])) == nil
        #expect(outcome3)
    }
}
