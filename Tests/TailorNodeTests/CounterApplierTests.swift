import TailorCRDT
import TailorGossip
@testable import TailorNode
import Testing

/// Gossiped counters arrive as running sums; a node's rows must grow by the growth only.
@Suite struct CounterApplierTests {
    static let day: Int64 = 86_400_000

    @Test func eachUpdateAddsOnlyTheGrowthSinceTheLast() {
        var applier = CounterApplier()
        let first = applier.increments(CounterUpdate(landmark: 0, sums: [("a", Slot(long: 3, short: 2))])) { _ in true }
        #expect(first.map(\.product) == ["a"] && first[0].popularity == 3 && first[0].trend == 2)
        let second = applier.increments(CounterUpdate(landmark: 0, sums: [("a", Slot(long: 5, short: 2))])) { _ in true }
        #expect(second.count == 1 && second[0].popularity == 2 && second[0].trend == 0)
        let repeated = applier.increments(CounterUpdate(landmark: 0, sums: [("a", Slot(long: 5, short: 2))])) { _ in true }
        #expect(repeated.isEmpty)
    }

    @Test func aLaterLandmarkIsNotMistakenForGrowth() {
        var applier = CounterApplier()
        _ = applier.increments(CounterUpdate(landmark: 0, sums: [("a", Slot(long: 8, short: 8))])) { _ in true }
        // The same counts expressed at a landmark a day later: smaller sums, same values.
        let popularity = 8 * ForwardDecay.popularity.valueFactor(nowMillis: Self.day, landmark: 0)
        let trend = 8 * ForwardDecay.trend.valueFactor(nowMillis: Self.day, landmark: 0)
        let moved = applier.increments(CounterUpdate(landmark: Self.day, sums: [("a", Slot(long: popularity, short: trend))])) { _ in true }
        #expect(moved.isEmpty || moved.allSatisfy { $0.popularity < 1e-9 && $0.trend < 1e-9 })
        let grown = applier.increments(CounterUpdate(landmark: Self.day, sums: [("a", Slot(long: popularity + 1, short: trend))])) { _ in true }
        #expect(grown.count == 1 && abs(grown[0].popularity - 1) < 1e-9)
    }

    @Test func productsNotHeldAreSkippedAndCountInFullOnceHeld() {
        var applier = CounterApplier()
        var held = false
        #expect(applier.increments(CounterUpdate(landmark: 0, sums: [("a", Slot(long: 4, short: 1))])) { _ in held }.isEmpty)
        held = true
        let later = applier.increments(CounterUpdate(landmark: 0, sums: [("a", Slot(long: 6, short: 1))])) { _ in held }
        #expect(later.count == 1 && later[0].popularity == 6 && later[0].trend == 1)
    }
}
