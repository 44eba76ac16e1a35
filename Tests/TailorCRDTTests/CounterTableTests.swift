import Testing
@testable import TailorCRDT

@Suite struct CounterTableTests {
    /// Members that count their own events (retries among them), relay some deltas and
    /// full states to each other, and the deltas they took, flushed at the end.
    struct Run {
        var members: [CounterTable]
        var deltas: [CounterDelta] = []

        init(_ random: inout SplitMix64, span: Int64) {
            members = (0..<3).map { _ in CounterTable(landmark: Gen.start) }
            let steps = 60
            var now = Gen.start
            for _ in 0..<steps {
                let i = random.below(members.count)
                now += Int64(random.unit() * Double(span) / Double(steps))
                switch random.unit() {
                case ..<0.7:
                    let slot = SlotID(member: "m\(i)", incarnation: 1)
                    _ = members[i].add(
                        product: Gen.products[random.below(Gen.products.count)], weight: Gen.weight(&random),
                        atMillis: now, slot: slot, eventID: "e\(random.below(40))")
                case ..<0.9:
                    let delta = members[i].takeDelta()
                    deltas.append(delta)
                    if random.chance(0.5) { members[random.below(members.count)].merge(delta) }
                default:
                    members[i].merge(members[random.below(members.count)].fullState())
                }
            }
            for i in members.indices { deltas.append(members[i].takeDelta()) }
        }

        /// Every delta, in a random order, some twice.
        func scrambledDeltas(_ random: inout SplitMix64) -> [CounterDelta] {
            random.shuffled(deltas + deltas.filter { _ in random.chance(0.3) })
        }

        /// A fresh member that merged every member's full state.
        var mergedFullStates: CounterTable {
            var table = CounterTable(landmark: Gen.start)
            for member in members { table.merge(member.fullState()) }
            return table
        }
    }

    static func applying(_ deltas: [CounterDelta]) -> CounterTable {
        var table = CounterTable(landmark: Gen.start)
        for delta in deltas { table.merge(delta) }
        return table
    }

    @Test func deltasInAnyOrderOrTwiceGiveTheMergedFullStatesExactlyAtOneLandmark() {
        for seed in 0..<UInt64(Gen.cases) {
            var random = SplitMix64(seed: 3_000 + seed)
            let run = Run(&random, span: Gen.quietSpan)
            let fromDeltas = Self.applying(run.scrambledDeltas(&random))
            let fromStates = run.mergedFullStates
            #expect(fromDeltas.fullState() == fromStates.fullState(), "seed \(seed)")
            #expect(fromDeltas.digest() == fromStates.digest(), "seed \(seed)")
            #expect(Self.applying(run.scrambledDeltas(&random)).fullState() == fromDeltas.fullState(), "seed \(seed)")
        }
    }

    @Test func deltasInAnyOrderGiveTheSameValuesAcrossLandmarkMoves() {
        for seed in 0..<UInt64(Gen.cases) {
            var random = SplitMix64(seed: 4_000 + seed)
            let run = Run(&random, span: 90 * Gen.day)
            let fromDeltas = Self.applying(run.scrambledDeltas(&random))
            let fromStates = run.mergedFullStates
            #expect(fromDeltas.landmark == fromStates.landmark, "seed \(seed)")
            #expect(fromDeltas.fullState().products.mapValues { Set($0.keys) } == fromStates.fullState().products.mapValues { Set($0.keys) }, "seed \(seed)")
            #expect(Gen.sameValues(fromDeltas, fromStates), "seed \(seed)")
        }
    }

    @Test func membersThatExchangeFullStatesTwiceAgreeBitForBit() {
        for seed in 0..<UInt64(Gen.cases) {
            var random = SplitMix64(seed: 5_000 + seed)
            var run = Run(&random, span: 90 * Gen.day)
            // The first round brings everyone to the latest landmark; the second takes
            // the max of the same copies everywhere.
            for _ in 0..<2 {
                let states = run.members.map { $0.fullState() }
                for i in run.members.indices { for state in random.shuffled(states) { run.members[i].merge(state) } }
            }
            let digests = Set(run.members.map { $0.digest() })
            #expect(digests.count == 1, "seed \(seed)")
            #expect(run.members.allSatisfy { $0.fullState() == run.members[0].fullState() }, "seed \(seed)")
        }
    }

    @Test func theDigestSeesEveryBitOfTheStateAndNoInsertionOrder() {
        for seed in 0..<UInt64(Gen.cases) {
            var random = SplitMix64(seed: 6_000 + seed)
            let state = Run(&random, span: Gen.quietSpan).mergedFullStates.fullState()
            guard let product = state.products.keys.sorted().first, let slots = state.products[product],
                  let id = slots.keys.sorted().last, let sums = slots[id] else { continue }
            var rebuilt = CounterDelta(landmark: state.landmark)
            for product in random.shuffled(Array(state.products.keys)) {
                for (id, sums) in random.shuffled(Array(state.products[product] ?? [:])) { rebuilt.products[product, default: [:]][id] = sums }
            }
            #expect(rebuilt == state && rebuilt.digest == state.digest, "seed \(seed)")
            var nudged = state
            nudged.products[product]?[id] = Slot(long: sums.long, short: sums.short.nextUp)
            var later = state
            later.landmark += 1
            var moved = state
            moved.products[product]?[id] = nil
            moved.products["elsewhere", default: [:]][id] = sums
            #expect(Set([state.digest, nudged.digest, later.digest, moved.digest]).count == 4, "seed \(seed)")
        }
    }

    @Test func theBucketDigestFollowsEveryChangeAndOneExchangeLeavesTwoMembersEqual() {
        for seed in 0..<UInt64(Gen.cases) {
            var random = SplitMix64(seed: 7_000 + seed)
            let run = Run(&random, span: 90 * Gen.day)
            // Kept up to date through additions, merges and landmark moves: the same as
            // a table that merged the state once.
            for member in run.members {
                var rebuilt = CounterTable(landmark: Gen.start)
                rebuilt.merge(member.fullState())
                #expect(rebuilt.bucketDigest == member.bucketDigest, "seed \(seed)")
            }
            var (a, b) = (run.members[0], run.members[1])
            guard let differing = b.bucketsDiffering(from: a.bucketDigest) else {
                Issue.record("same bucket count, comparable")
                continue
            }
            #expect(differing.isEmpty == (a.fullState() == b.fullState()), "seed \(seed)")
            // b answers a's digest with its state of the buckets that differ; a merges it
            // and answers with its own state of them.
            let answer = b.state(ofBuckets: differing, limit: .max)
            #expect(answer.buckets == differing)
            a.merge(answer.state)
            b.merge(a.state(ofBuckets: answer.buckets, limit: .max).state)
            #expect(a.bucketDigest == b.bucketDigest && a.fullState() == b.fullState(), "seed \(seed)")
            #expect(b.bucketsDiffering(from: a.bucketDigest) == [])
        }
    }

    @Test func aBucketAnswerTakesWholeBucketsUpToTheLimit() {
        var table = CounterTable(landmark: Gen.start)
        let slot = SlotID(member: "m0", incarnation: 1)
        for index in 0..<1_000 {
            _ = table.add(product: "p\(index)", weight: 1, atMillis: Gen.start, slot: slot, eventID: "e\(index)")
        }
        let empty = CounterTable(landmark: Gen.start)
        let differing = table.bucketsDiffering(from: empty.bucketDigest) ?? []
        #expect(differing.count > 200 && differing.count <= CounterTable.digestBuckets)
        let (state, buckets) = table.state(ofBuckets: differing, limit: 100)
        #expect(state.products.count <= 100 && state.products.count > 80)
        #expect(Set(state.products.keys.map(CounterTable.bucket(of:))) == Set(buckets))
        #expect(buckets == Array(differing.prefix(buckets.count)))
        #expect(table.bucketsDiffering(from: [1, 2, 3]) == nil)
    }

    @Test func aRetriedEventCountsOnceAndAnotherProductOfItCounts() {
        var table = CounterTable(landmark: Gen.start)
        let slot = SlotID(member: "m0", incarnation: 1)
        let first = table.add(product: "p0", weight: 2, atMillis: Gen.start, slot: slot, eventID: "e1")
        let retry = table.add(product: "p0", weight: 2, atMillis: Gen.start, slot: slot, eventID: "e1")
        let otherProduct = table.add(product: "p1", weight: 1, atMillis: Gen.start, slot: slot, eventID: "e1")
        #expect(first && !retry && otherProduct)
        #expect(table.popularity(of: "p0", nowMillis: Gen.start) == 2)
        #expect(table.trendCount(of: "p1", nowMillis: Gen.start) == 1)
    }

    @Test func theEventWindowIsBoundedAndForgetsTheOldestFirst() {
        var table = CounterTable(landmark: Gen.start, rememberedEvents: 3)
        let slot = SlotID(member: "m0", incarnation: 1)
        func add(_ id: String) -> Bool {
            table.add(product: "p0", weight: 1, atMillis: Gen.start, slot: slot, eventID: id)
        }
        let fresh = ["e1", "e2", "e3", "e4"].map(add)
        #expect(fresh == [true, true, true, true])
        // e1 was the oldest of four in a window of three: forgotten, so it counts again
        // (and pushes e2 out); e3, e4 and e1 are remembered.
        let again = ["e1", "e3", "e4", "e1", "e2"].map(add)
        #expect(again == [true, false, false, false, true])
        #expect(table.popularity(of: "p0", nowMillis: Gen.start) == 6)
        #expect(table.rememberedEvents == 3)
    }

    @Test func aDeltaHoldsOnlyWhatChangedSinceTheLastOne() {
        var table = CounterTable(landmark: Gen.start)
        let mine = SlotID(member: "m0", incarnation: 1)
        _ = table.add(product: "p0", weight: 1, atMillis: Gen.start, slot: mine, eventID: "e1")
        _ = table.add(product: "p1", weight: 1, atMillis: Gen.start, slot: mine, eventID: "e2")
        let firstDelta = table.takeDelta()
        #expect(firstDelta == table.fullState())
        #expect(table.takeDelta().isEmpty)

        _ = table.add(product: "p1", weight: 1, atMillis: Gen.start + 1, slot: mine, eventID: "e3")
        var other = CounterTable(landmark: Gen.start)
        _ = other.add(product: "p2", weight: 1, atMillis: Gen.start, slot: SlotID(member: "m1", incarnation: 1), eventID: "e9")
        table.merge(other.fullState())
        table.merge(firstDelta)  // stale: changes nothing, so it is not relayed
        let delta = table.takeDelta()
        #expect(Set(delta.products.keys) == ["p1", "p2"])
        #expect(delta.slotCount == 2)
        #expect(delta.products["p1"] == table.fullState().products["p1"])
        #expect(delta.byteSize < table.fullState().byteSize && delta.byteSize > 0)
        #expect(delta.isWellFormed && table.fullState().isWellFormed)
        var poisoned = delta
        poisoned.products["p1"]?[mine] = Slot(long: .nan, short: 1)
        #expect(!poisoned.isWellFormed)
        poisoned.products["p1"]?[mine] = Slot(long: 1, short: -1)
        #expect(!poisoned.isWellFormed)
    }
}
