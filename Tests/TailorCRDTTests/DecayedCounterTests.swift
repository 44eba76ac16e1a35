import Foundation
import Testing
@testable import TailorCRDT

@Suite struct DecayedCounterTests {
    @Test func mergeIsCommutativeAssociativeAndIdempotentBitForBitAtOneLandmark() {
        for seed in 0..<UInt64(Gen.cases) {
            var random = SplitMix64(seed: seed)
            let a = Gen.counter(&random, landmark: Gen.start)
            let b = Gen.counter(&random, landmark: Gen.start)
            let c = Gen.counter(&random, landmark: Gen.start)
            #expect(a.merging(b) == b.merging(a), "seed \(seed)")
            #expect(a.merging(b).merging(c) == a.merging(b.merging(c)), "seed \(seed)")
            #expect(a.merging(a) == a, "seed \(seed)")
            #expect(a.merging(b).merging(b) == a.merging(b), "seed \(seed)")
        }
    }

    @Test func mergeAcrossLandmarksIsCommutativeExactlyAndAssociativeWithinRounding() {
        for seed in 0..<UInt64(Gen.cases) {
            var random = SplitMix64(seed: 1_000 + seed)
            let a = Gen.counter(&random, landmark: Gen.landmark(&random, spread: true), span: 30 * Gen.day)
            let b = Gen.counter(&random, landmark: Gen.landmark(&random, spread: true), span: 30 * Gen.day)
            let c = Gen.counter(&random, landmark: Gen.landmark(&random, spread: true))
            // Both orders rescale the earlier side by the same factor: the same bits.
            #expect(a.merging(b) == b.merging(a), "seed \(seed)")
            let left = a.merging(b).merging(c)
            let right = a.merging(b.merging(c))
            #expect(left.landmark == max(a.landmark, b.landmark, c.landmark), "seed \(seed)")
            #expect(left.landmark == right.landmark && Set(left.slots.keys) == Set(right.slots.keys), "seed \(seed)")
            #expect(Gen.sameValues(left, right), "seed \(seed)")
            #expect(Gen.sameValues(a.merging(b).merging(a), a.merging(b)), "seed \(seed)")
        }
    }

    @Test func mergeKeepsTheLargerCopyOfEachSlot() {
        let slot = SlotID(member: "m0", incarnation: 1)
        var older = DecayedCounter(landmark: Gen.start)
        older.add(weight: 1, atMillis: Gen.start + Gen.hour, slot: slot)
        var newer = older
        newer.add(weight: 2, atMillis: Gen.start + 2 * Gen.hour, slot: slot)
        let now = Gen.start + 3 * Gen.hour
        // Per-slot max, not a sum: the newer copy already includes the older one's addition.
        #expect(older.merging(newer).popularity(nowMillis: now) == newer.popularity(nowMillis: now))
        #expect(newer.merging(older) == newer)
    }

    @Test func aRestartedMembersNewSlotAddsToItsOldOne() {
        var first = DecayedCounter(landmark: Gen.start)
        first.add(weight: 5, atMillis: Gen.start, slot: SlotID(member: "m0", incarnation: 1))
        var restarted = DecayedCounter(landmark: Gen.start)
        restarted.add(weight: 3, atMillis: Gen.start, slot: SlotID(member: "m0", incarnation: 2))
        #expect(Gen.close(first.merging(restarted).popularity(nowMillis: Gen.start), 8))
    }

    @Test(arguments: [Int64(0), 3 * Gen.day, 25 * Gen.day])
    func valuesHalveEachHalfLife(offset: Int64) {
        // `offset` past the landmark: the last one makes the counter move its landmark.
        var counter = DecayedCounter(landmark: Gen.start)
        let at = Gen.start + offset
        counter.add(weight: 3, atMillis: at, slot: SlotID(member: "m0", incarnation: 1))
        #expect(Gen.close(counter.popularity(nowMillis: at), 3))
        #expect(Gen.close(counter.trendCount(nowMillis: at), 3))
        #expect(Gen.close(counter.popularity(nowMillis: at + 7 * Gen.day), 1.5))
        #expect(Gen.close(counter.popularity(nowMillis: at + 14 * Gen.day), 0.75))
        #expect(Gen.close(counter.trendCount(nowMillis: at + 6 * Gen.hour), 1.5))
        #expect(Gen.close(counter.trendCount(nowMillis: at + 12 * Gen.hour), 0.75))
        #expect(counter.landmark == (offset > 20 * Gen.day ? at : Gen.start))
    }

    @Test func movingTheLandmarkChangesNoValueRead() {
        for seed in 0..<UInt64(Gen.cases) {
            var random = SplitMix64(seed: 2_000 + seed)
            let counter = Gen.counter(&random, landmark: Gen.start, span: 30 * Gen.day)
            var moved = counter
            moved.moveLandmark(to: counter.landmark + Int64(1 + random.below(40)) * Gen.day + Int64(random.below(1_000)))
            #expect(moved.landmark > counter.landmark, "seed \(seed)")
            #expect(Set(moved.slots.keys) == Set(counter.slots.keys), "seed \(seed)")
            #expect(Gen.sameValues(moved, counter), "seed \(seed)")
            // A landmark never moves back.
            var back = moved
            back.moveLandmark(to: counter.landmark)
            #expect(back == moved, "seed \(seed)")
        }
    }

    @Test func additionsFarFromTheLandmarkMoveItAndStayFinite() {
        var counter = DecayedCounter(landmark: 0)
        let slot = SlotID(member: "m0", incarnation: 1)
        counter.add(weight: 1, atMillis: Gen.start, slot: slot)
        counter.add(weight: 1, atMillis: Gen.start + 365 * Gen.day, slot: slot)
        let now = Gen.start + 365 * Gen.day
        #expect(ForwardDecay.trend.exponent(atMillis: now, landmark: counter.landmark) <= ForwardDecay.maximumExponent)
        #expect(counter.slots[slot].map { $0.long.isFinite && $0.short.isFinite } == true)
        #expect(Gen.close(counter.popularity(nowMillis: now), 1 + pow(0.5, 365.0 / 7)))
    }
}
