import Foundation
import TailorModel
import TailorOutcomes
import Testing

@testable import TailorGateway

/// A bandit's allocation over time, as the console's chart draws it.
@Suite struct AllocationHistoryTests {
    @Test("one sample every 10 s at most, the last hour kept")
    func samplingAndCapacity() {
        var history = AllocationHistory()
        for second in stride(from: 0, to: 4_000, by: 2) {
            history.record(["": ["a": 0.5, "b": 0.5]], nowMillis: Int64(second) * 1_000)
        }
        #expect(history.samples.count == AllocationHistory.capacity)
        #expect(history.samples.last?.atMillis == 3_990_000)
        #expect(history.samples.first?.atMillis == 3_990_000 - Int64(AllocationHistory.capacity - 1) * 10_000)
        #expect(zip(history.samples, history.samples.dropFirst()).allSatisfy { $1.atMillis - $0.atMillis == 10_000 })
    }

    @Test("the book records each bandit's shares by variant name as the counts arrive, and forgets a deleted experiment")
    func bookRecordsBandits() throws {
        let book = ExperimentBook(writer: "test")
        let bandit = ExperimentDefinition(
            placements: [.homeForYou], objective: .clicks, allocation: .bandit, variants: [.init(name: "a"), .init(name: "b")], warmUp: 10
        )
        _ = try book.put(id: "ab", definition: bandit, by: "k")
        _ = try book.put(id: "fixed", definition: ExperimentDefinition(
            placements: [.productSimilar], objective: .clicks, allocation: .fixed, variants: [.init(name: "x", share: 0.5), .init(name: "y", share: 0.5)]
        ), by: "k")
        var cells = OutcomeCells()
        var good = CellCounts()
        (good.impressions, good.clicks) = (1_000, 200)
        good[.clicks] = RewardSums(sum: 200, sumSquares: 200)
        var poor = CellCounts()
        (poor.impressions, poor.clicks) = (1_000, 20)
        poor[.clicks] = RewardSums(sum: 20, sumSquares: 20)
        cells[CellKey(day: 1, placement: "home_for_you", experiment: "ab", variant: "a")] = good
        cells[CellKey(day: 1, placement: "home_for_you", experiment: "ab", variant: "b")] = poor

        // Before any count: the equal split assignment uses.
        book.update(outcomes: OutcomeCells(), nowMillis: 90_000)
        #expect(book.allocationHistory(of: "ab").first?.shares == ["": ["a": 0.5, "b": 0.5]])
        book.update(outcomes: cells, nowMillis: 100_000)
        book.update(outcomes: cells, nowMillis: 105_000)
        book.update(outcomes: cells, nowMillis: 110_000)
        let samples = book.allocationHistory(of: "ab")
        #expect(samples.map(\.atMillis) == [90_000, 100_000, 110_000])
        let shares = try #require(samples.last?.shares[""])
        #expect(Set(shares.keys) == ["a", "b"])
        #expect(abs(shares.values.reduce(0, +) - 1) < 1e-9)
        #expect(shares["a"]! > shares["b"]!, "the variant with 10× the clicks gets more traffic: \(shares)")
        #expect(book.allocationHistory(of: "fixed").isEmpty)

        _ = book.delete(id: "ab", by: "k")
        book.update(outcomes: cells, nowMillis: 120_000)
        #expect(book.allocationHistory(of: "ab").isEmpty)
    }
}
