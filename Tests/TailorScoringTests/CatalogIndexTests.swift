import Foundation
import Testing
import TailorModel
@testable import TailorScoring

@Suite struct CatalogIndexTests {
    /// The kernel reads one record per candidate row; the README promises it fits a
    /// cache line's worth of bytes. A field added to it must be worth a second line.
    @Test func aRowsNumbersAndScratchFitTheirPromisedSizes() {
        #expect(MemoryLayout<RowNumbers>.stride <= 64)
        #expect(MemoryLayout<ScoringScratch.Row>.stride <= 16)
    }

    @Test("a product updated many times keeps its latest features, and the kernel's feature arena stays bounded")
    func featureArenaFollowsUpdates() {
        var index = CatalogIndex()
        for row in 0..<50 {
            _ = index.upsert(Product(id: "p\(row)", title: "P", categoryPath: ["Toys"], price: 5, tags: ["t\(row)"], version: 1))
        }
        for version in 2...2_000 {
            _ = index.upsert(Product(id: "p0", title: "P", categoryPath: ["Toys"], price: 5, tags: ["v\(version)", "w"], version: Int64(version)))
        }
        for row in 0..<50 {
            let numbers = index.numbers[row]
            let span = index.featureArena[Int(numbers.featureStart)..<Int(numbers.featureStart) + Int(numbers.featureCount)]
            #expect(Array(span) == index.featureCodes[row], "row \(row)")
        }
        #expect(index.featureArena.count < 3 * (index.featureCodes.reduce(0) { $0 + $1.count } + 1_024))
    }

    @Test func aStaleUpsertIsIgnoredAndATombstoneBlocksResurrection() {
        var index = CatalogIndex()
        let outcome1 = index.upsert(Fixture.product("a", title: "New", version: 2))
        #expect(outcome1)
        let outcome2 = !index.upsert(Fixture.product("a", title: "Old", version: 1))
        #expect(outcome2)
        let outcome3 = !index.upsert(Fixture.product("a", title: "Same version", version: 2))
        #expect(outcome3)
        #expect(index.product("a")?.product.title == "New")

        let outcome4 = !index.remove("a", version: 2)
        #expect(outcome4)
        let outcome5 = index.remove("a", version: 3)
        #expect(outcome5)
        #expect(index.product("a") == nil)
        #expect(index.count == 0)
        let outcome6 = !index.upsert(Fixture.product("a", title: "Replayed", version: 3))
        #expect(outcome6)
        #expect(index.product("a") == nil)
        let outcome7 = index.upsert(Fixture.product("a", title: "Back", version: 4))
        #expect(outcome7)
        #expect(index.product("a")?.product.title == "Back")
        #expect(index.count == 1)
    }

    @Test func stockIsLastWriterWinsAndWaitsForItsProduct() {
        var index = CatalogIndex()
        let outcome8 = index.setStock(StockLevel(product: "a", quantity: 7, version: 2))
        #expect(outcome8)
        let outcome9 = !index.setStock(StockLevel(product: "a", quantity: 99, version: 1))
        #expect(outcome9)
        _ = index.upsert(Fixture.product("a"))
        #expect(index.product("a")?.stock?.quantity == 7)
        let outcome10 = index.setStock(StockLevel(product: "a", quantity: 0, version: 3))
        #expect(outcome10)
        let summary = index.summaries().first
        #expect(summary?.stock == 0)
        #expect(summary?.stockVersion == 3)
        #expect(summary?.category == "Shoes > Running")
    }

    @Test("pages of summaries cover every live product once, within the count and byte limits")
    func summaryPagesCoverTheCatalog() {
        var index = Fixture.index((0..<25).map { Fixture.product("p\($0)") })
        _ = index.remove("p3", version: 9)
        var seen: [String] = []
        var row = 0
        var pages = 0
        while true {
            let page = index.summaries(from: row, limit: 7)
            #expect(page.summaries.count <= 7)
            seen += page.summaries.map(\.id)
            pages += 1
            guard let next = page.next else { break }
            row = next
        }
        #expect(seen == index.summaries().map(\.id))
        #expect(Set(seen).count == 24 && !seen.contains("p3"))
        #expect(pages == 4)
        // A byte budget smaller than one product still moves on, one product a page.
        let small = index.summaries(from: 0, byteBudget: 1)
        #expect(small.summaries.count == 1)
        #expect(small.next == 1)
    }

    @Test func anEventIsAppliedOncePerId() {
        var index = Fixture.index([Fixture.product("a")])
        let contributions = Fixture.contributions("e1", interactions: [("a", 1)])
        let outcome11 = index.apply(contributions) { _ in true }
        #expect(outcome11)
        let outcome12 = !index.apply(contributions) { _ in true }
        #expect(outcome12)
        #expect(abs(index.counters(of: "a", nowMillis: Fixture.now).popularity - 1) < 1e-9)
    }

    @Test func onlyOwnedProductsAndTargetsAreCounted() {
        var index = Fixture.index([Fixture.product("a"), Fixture.product("b")])
        _ = index.apply(Fixture.contributions("e1", interactions: [("a", 1), ("b", 1)], pairs: [("x", "a", 1), ("x", "b", 1)])) { $0 == "a" }
        #expect(index.counters(of: "a", nowMillis: Fixture.now).popularity > 0)
        #expect(index.counters(of: "b", nowMillis: Fixture.now).popularity == 0)
        #expect(index.cooccurrence.postings(of: index.vocabulary.product("x"))?.count == 1)
    }

    @Test func signalsForAProductNotYetHeldApplyWhenItArrives() {
        var index = CatalogIndex()
        _ = index.apply(Fixture.contributions("e1", interactions: [("late", 4)], pairs: [("x", "late", 2)])) { _ in true }
        _ = index.upsert(Fixture.product("late"))
        #expect(abs(index.counters(of: "late", nowMillis: Fixture.now).popularity - 4) < 1e-9)
        #expect(index.cooccurrence.postings(of: index.vocabulary.product("x"))?.map(\.weight) == [2])
    }

    @Test func theSameInteractionCountsLessAsTimePasses() {
        var index = Fixture.index([Fixture.product("a")])
        _ = index.apply(Fixture.contributions("e1", interactions: [("a", 10)])) { _ in true }
        let now = index.counters(of: "a", nowMillis: Fixture.now)
        let week = index.counters(of: "a", nowMillis: Fixture.now + 7 * Fixture.day)
        let sixHours = index.counters(of: "a", nowMillis: Fixture.now + 6 * Fixture.hour)
        #expect(abs(week.popularity - now.popularity / 2) < 1e-6)
        #expect(abs(sixHours.trend - now.trend / 2) < 1e-6)

        // And in the ranking: an old burst loses to the same burst today.
        var other = Fixture.index([Fixture.product("old"), Fixture.product("new")])
        _ = other.apply(Fixture.contributions("e1", at: Fixture.now - 14 * Fixture.day, interactions: [("old", 30)])) { _ in true }
        _ = other.apply(Fixture.contributions("e2", at: Fixture.now, interactions: [("new", 30)])) { _ in true }
        let ranked = Fixture.score(other, Fixture.query()).ranked
        #expect(ranked.map(\.product) == ["new", "old"])
        #expect(ranked[0].signals.popularity > ranked[1].signals.popularity)
    }

    @Test func movingTheLandmarkChangesNoValue() {
        var index = Fixture.index([Fixture.product("a"), Fixture.product("b")])
        _ = index.apply(Fixture.contributions("e1", interactions: [("a", 3)])) { _ in true }
        let read = Fixture.now + 2 * Fixture.day
        let before = index.counters(of: "a", nowMillis: read)
        index.moveLandmark(to: Fixture.now + 5 * Fixture.day)
        let after = index.counters(of: "a", nowMillis: read)
        #expect(abs(after.popularity - before.popularity) <= 1e-9 * before.popularity)
        #expect(abs(after.trend - before.trend) <= 1e-9 * before.trend)

        // An event a month later rescales on its own (the trend exponent would pass
        // its bound) and old and new counts still add up.
        let later = Fixture.now + 30 * Fixture.day
        _ = index.apply(Fixture.contributions("e2", at: later, interactions: [("b", 3)])) { _ in true }
        #expect(index.landmark == later)
        let a = index.counters(of: "a", nowMillis: later).popularity
        #expect(abs(a - 3 * exp2(-30.0 / 7)) < 1e-9)
        #expect(abs(index.counters(of: "b", nowMillis: later).popularity - 3) < 1e-9)
    }
}
