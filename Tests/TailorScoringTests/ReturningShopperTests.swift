import Testing
import TailorModel
@testable import TailorScoring

/// Time orders and weighs a shopper's history but never erases it (DESIGN.md §2).
@Suite struct ReturningShopperTests {
    static let year = 365 * Fixture.day
    static let catalog = (1...8).map { Fixture.product("p\($0)", $0 <= 4 ? ["Toys", "Puzzles"] : ["Toys", "Dolls"], brand: $0 % 2 == 0 ? "Even" : "Odd") }
    static let refs = Dictionary(uniqueKeysWithValues: catalog.map { ($0.id, Fixture.ref($0)) })

    /// A shopper's views of `items`, one minute apart, the last at `endingAt`.
    static func profile(_ items: [String], endingAt end: Int64) -> ShopperProfile {
        var profile = ShopperProfile()
        for (step, item) in items.enumerated() {
            _ = profile.record(Fixture.event("v\(step)", .view, [refs[item]!], at: end - Int64(items.count - 1 - step) * 60_000))
        }
        return profile
    }

    /// An index whose co-occurrence was learned from other shoppers' sessions three
    /// years ago: p1 → p5 → p6, p2 → p7.
    static func indexLearnedLongAgo() -> CatalogIndex {
        var index = Fixture.index(catalog)
        let long = Fixture.now - 3 * year
        for (shopper, items) in [("a", ["p1", "p5", "p6"]), ("b", ["p2", "p7"]), ("c", ["p1", "p5"])] {
            var other = ShopperProfile()
            for (step, item) in items.enumerated() {
                var event = Fixture.event("\(shopper)\(step)", .view, [refs[item]!], session: shopper, at: long + Int64(step) * 60_000)
                event.shopper = shopper
                if let contributions = other.record(event) { _ = index.apply(contributions) { _ in true } }
            }
        }
        return index
    }

    @Test("a shopper back after a year has the situation and the top items of the day after their last visit")
    func aYearLaterIsTheDayAfter() {
        let history = ["p3", "p2", "p4", "p1"]
        let dayAfter = Self.profile(history, endingAt: Fixture.now - Fixture.day).situation(nowMillis: Fixture.now)
        let yearAfter = Self.profile(history, endingAt: Fixture.now - Self.year).situation(nowMillis: Fixture.now)
        let tenYearsAfter = Self.profile(history, endingAt: Fixture.now - 10 * Self.year).situation(nowMillis: Fixture.now)
        #expect(dayAfter.items.map(\.product) == ["p1", "p4", "p2", "p3"])
        #expect(yearAfter == dayAfter)
        #expect(tenYearsAfter == dayAfter)

        let index = Self.indexLearnedLongAgo()
        let shownDayAfter = Fixture.score(index, Fixture.query(dayAfter, k: 3)).ranked
        let shownYearAfter = Fixture.score(index, Fixture.query(yearAfter, k: 3)).ranked
        #expect(shownYearAfter.map(\.product) == shownDayAfter.map(\.product))
        #expect(shownYearAfter.map(\.score) == shownDayAfter.map(\.score))
        // Relations learned three years ago still lead: p1 was followed by p5. Their
        // popularity, a week's half-life, is long gone.
        #expect(shownYearAfter.first?.product == "p5")
        #expect((shownYearAfter.first?.signals.collaborative ?? 0) > 0)
        #expect(index.counters(of: "p5", nowMillis: Fixture.now).popularity < 1e-9)
        #expect(index.counters(of: "p5", nowMillis: Fixture.now - 3 * Self.year + Fixture.hour).popularity > 1)
    }

    @Test("after a year away, the new session weighs most and the old history still counts")
    func theNewSessionLeadsAndTheOldHistoryStays() throws {
        var profile = Self.profile(["p1", "p2", "p3"], endingAt: Fixture.now - Self.year)
        _ = profile.record(Fixture.event("new", .view, [Self.refs["p6"]!], session: "s2", at: Fixture.now - 60_000))
        let situation = profile.situation(nowMillis: Fixture.now)
        #expect(situation.items.map(\.product) == ["p6", "p3", "p2", "p1"])
        let newest = try #require(situation.items.first?.weight)
        let oldest = try #require(situation.items.last?.weight)
        #expect(oldest > 0, "a year-old item keeps its floor, it does not vanish")
        // One step back at the order decay, times the recency floor: the old session's
        // newest item weighs 0.6 / 16 of the new session's.
        #expect(abs(situation.items[1].weight / newest - 0.6 / 16) < 1e-4)
        // Taste outlasts interest in a product: the year-old category keeps its floor
        // (three views at 1/4 against one new view at 1).
        let puzzles = situation.categoryAffinity["Toys > Puzzles"] ?? 0
        let dolls = situation.categoryAffinity["Toys > Dolls"] ?? 0
        #expect(dolls > puzzles)
        #expect(abs(puzzles / dolls - 0.75) < 1e-4)
    }
}
