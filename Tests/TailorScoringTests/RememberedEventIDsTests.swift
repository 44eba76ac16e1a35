import Testing
import TailorCRDT
import TailorModel
@testable import TailorScoring

/// Profiles and catalog partitions count an event once while they remember its id
/// (``TailorCRDT/RecentKeys``), and forget the oldest ids: memory stays bounded.
@Suite struct RememberedEventIDsTests {
    @Test func aShopperRemembersOnlyTheirLatestEventIDs() {
        var profile = ShopperProfile()
        let shoe = Fixture.ref(Fixture.product("shoe"))
        let total = ShopperProfile.rememberedEventIDs + 5
        for n in 0..<total {
            _ = profile.record(Fixture.event("e\(n)", .view, [shoe], at: Fixture.now - Int64(total - n) * 1_000))
        }
        #expect(profile.eventCount == total)
        // A retry of a recent event is still recognised...
        let outcome8 = profile.record(Fixture.event("e\(total - 1)", .view, [shoe], at: Fixture.now - 1_000)) == nil
        #expect(outcome8)
        // ...and one from before the last 1,000 counts again: memory stays bounded.
        let outcome9 = profile.record(Fixture.event("e0", .view, [shoe], at: Fixture.now - Int64(total) * 1_000)) != nil
        #expect(outcome9)
        #expect(profile.eventCount == total + 1)
    }

    @Test func aPartitionCountsAnEventOnceWhileItRemembersItsID() {
        var index = Fixture.index([Fixture.product("a")])
        let contributions = Fixture.contributions("e1", interactions: [("a", 1)])
        let outcome10 = index.apply(contributions) { _ in true }
        #expect(outcome10)
        let once = index.counters(of: "a", nowMillis: Fixture.now).popularity
        let outcome11 = !index.apply(contributions) { _ in true }
        #expect(outcome11)
        #expect(index.counters(of: "a", nowMillis: Fixture.now).popularity == once)
        // Beyond the window the id is forgotten (bounded memory), and counts again.
        for n in 0..<CatalogIndex.rememberedEventIDs {
            _ = index.apply(Fixture.contributions("other\(n)", interactions: [("a", 0)])) { _ in true }
        }
        let outcome12 = index.apply(contributions) { _ in true }
        #expect(outcome12)
        #expect(index.appliedEvents[0]?.count == CatalogIndex.rememberedEventIDs)
    }
}
