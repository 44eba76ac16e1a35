import Foundation
import Testing
import TailorCRDT

/// Anti-entropy (replicas of one partition reconciling by digests) in a simulated
/// network (``AntiEntropySimulation``): 3 to 5 in-memory replicas that commit with the
/// store's merge rules (``MemoryReplica``: `ReplicatedRecord.merge` and a
/// `PartitionDigest`, as `NodeStore.commit`), each running a pull pass (`PullPlan`,
/// as `Replication`) against a random other replica every simulated second, over a
/// seeded network that loses requests and answers, delays and reorders them and can
/// cut a replica off, on a fake clock (no sleeping). Writes land on random subsets of
/// the replicas, as writes that missed replicas that were down.
///
/// Every run is determined by its seed, which failure messages name; replay one with
/// `TAILOR_SIM_SEED=<seed> swift test --filter AntiEntropySimulation` (the seeded
/// tests then run that seed only).
@Suite("Anti-entropy simulation") struct AntiEntropySimulationTests {
    static let defaultSeeds: [UInt64] = [101, 202, 303, 404, 505]

    static var seeds: [UInt64] {
        ProcessInfo.processInfo.environment["TAILOR_SIM_SEED"].flatMap(UInt64.init).map { [$0] } ?? defaultSeeds
    }

    /// The simulated wall clock at t = 0, for event times (ms).
    static let epochMillis: Int64 = 1_767_225_600_000

    // MARK: 1. Convergence under loss

    @Test("Replicas converge under 20 % loss and reordering", arguments: seeds)
    func convergenceUnderLoss(seed: UInt64) {
        let replicas = 3 + Int(seed % 3)
        let run = Self.shopRun(seed: seed, replicas: replicas, events: 2_000, products: 200, loss: 0.2)
        let simulation = run.simulation, workload = run.workload
        let context = "seed \(seed), \(replicas) replicas, 20 % loss"

        #expect(run.convergedAfter != nil, "\(context): replicas still differ 60 s after the last write")
        for name in simulation.names {
            let replica = simulation.replicas[name]!
            // Counts and flags, not sets, in expectations: a failure names what differs, briefly.
            let missing = workload.events.subtracting(replica.records).map(\.key).sorted()
            #expect(missing.count == 0, "\(context): \(name) lacks \(missing.count) of \(workload.events.count) events, e.g. \(missing.prefix(3))")
            let stale = workload.products.values.filter { replica.record(.product, $0.key) != $0 }.map(\.key).sorted()
            #expect(stale.count == 0, "\(context): \(name) holds \(stale.count) products not at their highest version, e.g. \(stale.prefix(3))")
            let staleStock = workload.stock.values.filter { replica.record(.stock, $0.key) != $0 }.map(\.key).sorted()
            #expect(staleStock.count == 0, "\(context): \(name) holds \(staleStock.count) stock levels not at their highest version")
            let exact = replica.records == workload.expected
            #expect(exact, "\(context): \(name) holds \(replica.recordCount) records, expected \(workload.expected.count)")
        }
        let traffic = simulation.traffic
        print("""
            anti-entropy seed \(seed): \(replicas) replicas, \(workload.writes.count) writes (\(workload.expected.count) records) \
            over 10 s to random subsets, 20 % loss, delay 1-80 ms: converged \(run.convergedAfter.map { Self.seconds($0) } ?? "never") \
            after the last write (rounds of 1 s); \(traffic.messages) messages (\(traffic.lost) lost), \
            \(traffic.recordsSent) records sent, \(traffic.recordsStored) stored; passes \(traffic.passesCompleted) completed, \
            \(traffic.passesAborted) aborted
            """)
    }

    // MARK: 2. Erasure wins

    @Test("An erasure wins over a replica that was cut off", arguments: seeds)
    func erasureWins(seed: UInt64) {
        var simulation = AntiEntropySimulation(seed: seed, replicas: 4, maximumRecords: 200)
        simulation.network.loss = 0.2
        simulation.network.delay = 0.001...0.080
        let everyone = simulation.names, majority = ["r0", "r1", "r2"], cutOff = "r3"
        let t0 = Self.epochMillis
        func event(_ key: String, _ shopper: String, at time: Int64) -> ReplicatedRecord {
            ReplicatedRecord(kind: .event, key: key, version: time, shopper: shopper, body: Array(key.utf8))
        }
        func tombstone(_ shopper: String, at time: Int64) -> ReplicatedRecord {
            ReplicatedRecord(kind: .tombstone, key: shopper, version: time, body: [])
        }

        // 10 shoppers' events, one a second, on every replica.
        var expected = Set<ReplicatedRecord>()
        for shopper in 0..<10 {
            for index in 0..<40 {
                let record = event("u\(shopper)-e\(index)", "u\(shopper)", at: t0 + Int64(index) * 1_000)
                simulation.write(record, to: everyone)
                if shopper != 3 || record.version > t0 + 25_000 { expected.insert(record) }
            }
        }
        // u3 is erased at the time of its 26th event: that event goes too.
        let erasedAt = t0 + 25_000
        let erasure = tombstone("u3", at: erasedAt)
        expected.insert(erasure)

        simulation.network.partition = [Set(majority), [cutOff]]
        simulation.run(for: .seconds(2))
        // The erasure reaches r0 only; u3 shops again afterwards, on r1.
        #expect(simulation.write(erasure, to: ["r0"]) == 1)
        for index in 0..<5 {
            let record = event("u3-later\(index)", "u3", at: erasedAt + 1 + Int64(index) * 1_000)
            simulation.write(record, to: ["r1"])
            expected.insert(record)
        }
        // A retry of an event from before the erasure is refused where the erasure is held.
        #expect(simulation.write(event("u3-e3", "u3", at: t0 + 3_000), to: ["r0"]) == 0, "seed \(seed)")
        // The cut-off replica gets u3's late events from before the erasure (an offline
        // queue), a re-sent old one, an older erasure of u3, and an event after the erasure.
        for index in 0..<10 {
            simulation.write(event("u3-offline\(index)", "u3", at: erasedAt - 1 - Int64(index) * 700), to: [cutOff])
        }
        #expect(simulation.write(event("u3-e30", "u3", at: t0 + 30_000), to: [cutOff]) == 0, "a re-sent event is stored once")
        simulation.write(tombstone("u3", at: t0 + 5_000), to: [cutOff])
        let afterOnCutOff = event("u3-cutoff-after", "u3", at: erasedAt + 60_000)
        simulation.write(afterOnCutOff, to: [cutOff])
        expected.insert(afterOnCutOff)

        func erasedEvents(_ name: String) -> [ReplicatedRecord] {
            simulation.replicas[name]!.records.filter { $0.kind == .event && $0.shopper == "u3" && $0.version <= erasedAt }
        }
        // While cut off: the majority agrees on the erasure, the cut-off replica still holds u3's old events.
        let majorityAgrees = simulation.run(until: .seconds(30)) { simulation in
            Set(majority.map { simulation.replicas[$0]!.digest }).count == 1
        }
        #expect(majorityAgrees, "seed \(seed): the majority side does not agree within 30 s")
        for name in majority {
            let hasErasure = simulation.replicas[name]!.record(.tombstone, "u3") == erasure
            #expect(hasErasure, "seed \(seed): \(name) lacks the erasure")
            let erased = erasedEvents(name).count
            #expect(erased == 0, "seed \(seed): \(name) holds \(erased) erased events")
        }
        let heldWhileCut = erasedEvents(cutOff).count
        #expect(heldWhileCut > 0, "seed \(seed): the partition did not keep the erasure from \(cutOff)")

        simulation.network.partition = []
        let healedAt = simulation.now
        let converged = simulation.run(until: .seconds(60)) { $0.converged }
        #expect(converged, "seed \(seed): replicas still differ 60 s after healing")
        for name in everyone {
            let replica = simulation.replicas[name]!
            let erasureVersion = replica.record(.tombstone, "u3")?.version
            #expect(erasureVersion == erasedAt, "seed \(seed): \(name) holds u3's erasure at \(String(describing: erasureVersion))")
            let erased = erasedEvents(name).count
            #expect(erased == 0, "seed \(seed): \(name) holds \(erased) erased events of u3")
            let survivors = replica.records.filter { $0.kind == .event && $0.shopper == "u3" }.count
            #expect(survivors == 14 + 5 + 1, "seed \(seed): \(name) holds \(survivors) events of u3 after the erasure, expected 20")
            let others = replica.records.filter { $0.kind == .event && $0.shopper != "u3" }.count
            #expect(others == 9 * 40, "seed \(seed): \(name) holds \(others) events of other shoppers, expected 360")
            let exact = replica.records == expected
            #expect(exact, "seed \(seed): \(name) holds \(replica.recordCount) records, expected \(expected.count)")
        }
        // Once converged, a re-sent old event is refused everywhere.
        let digest = simulation.replicas["r0"]!.digest
        #expect(simulation.write(event("u3-offline0", "u3", at: erasedAt - 1), to: everyone) == 0, "seed \(seed)")
        let unchanged = simulation.digestsEqual && simulation.replicas[cutOff]!.digest == digest
        #expect(unchanged, "seed \(seed)")
        print("""
            anti-entropy erasure seed \(seed): \(cutOff) held \(heldWhileCut) erased events while cut off; \
            converged \(Self.seconds(simulation.now.seconds - healedAt.seconds)) after healing (4 replicas, 20 % loss)
            """)
    }

    // MARK: 3. Bounded transfer

    @Test("An empty replica catches up 50 records a pull; equal replicas send no records", arguments: [0.0, 0.1])
    func boundedTransfer(loss: Double) {
        let seed = Self.seeds[0]
        let budget = 50
        var simulation = AntiEntropySimulation(seed: seed, replicas: 4, maximumRecords: budget)
        simulation.network.loss = loss
        var random = SimRandom(state: seed ^ 0xb0d6e7)
        let workload = ShopWorkload(events: 2_000, products: 200, random: &random)
        // r0-r2 hold everything; r3 is a new replica (hand-off) and starts empty.
        for record in workload.writes { simulation.write(record, to: ["r0", "r1", "r2"]) }
        let holder = simulation.replicas["r0"]!
        let held = holder.recordCount
        let largestBucket = Int(holder.digest.counts.max()!)
        let context = "seed \(seed), loss \(loss)"

        let converged = simulation.run(until: .seconds(60)) { $0.converged }
        let caughtUpAfter = simulation.now.seconds
        #expect(converged, "\(context): the new replica did not catch up in 60 s")
        let exact = simulation.replicas["r3"]!.records == workload.expected
        #expect(exact, "\(context): r3 holds \(simulation.replicas["r3"]!.recordCount) records, expected \(workload.expected.count)")
        let traffic = simulation.traffic
        let received = simulation.recordsReceived["r3"] ?? 0
        // Whole buckets until the budget is reached: an answer stays under budget + one bucket.
        #expect(traffic.largestAnswer < budget + largestBucket, "\(context): an answer carried \(traffic.largestAnswer) records")
        let minimumPulls = held / (budget + largestBucket)
        // Several pulls per pass; without loss a pass runs to the end, so at least held / (budget + a bucket).
        let pullsNeeded = loss == 0 ? minimumPulls : 2
        #expect(traffic.mostPullsInAPass >= pullsNeeded, "\(context): at most \(traffic.mostPullsInAPass) pulls in a pass")
        if loss == 0 {
            // Without loss the first pass brings every bucket once.
            #expect(received == held, "\(context): r3 received \(received) records for \(held) held")
            #expect((simulation.completedPasses["r3"]?.first ?? 0) >= minimumPulls, "\(context)")
        } else {
            // Lost answers are sent again, but equal buckets are never re-sent.
            #expect(received <= held * 3 / 2, "\(context): r3 received \(received) records for \(held) held")
        }

        // Steady state: equal digests, passes keep running, no record travels.
        let before = simulation.traffic
        simulation.run(for: .seconds(10))
        let after = simulation.traffic
        #expect(simulation.digestsEqual, "\(context)")
        #expect(after.recordsSent == before.recordsSent, "\(context): \(after.recordsSent - before.recordsSent) records sent between equal replicas")
        #expect(after.requests - before.requests >= 20, "\(context): only \(after.requests - before.requests) digests sent in 10 rounds")
        print("""
            anti-entropy hand-off seed \(seed), loss \(loss): \(held) records held (largest bucket \(largestBucket)), budget \(budget); \
            r3 caught up after \(Self.seconds(caughtUpAfter)), received \(received) records (\(String(format: "%.2f", Double(received) / Double(held))) × held); \
            most pulls in a pass \(traffic.mostPullsInAPass), largest answer \(traffic.largestAnswer); \
            \(before.recordsSent) records sent in all; then 10 rounds: \(after.requests - before.requests) pulls, \
            \(after.recordsSent - before.recordsSent) records
            """)
    }

    // MARK: 4. Determinism

    @Test("The same seed replays the same run")
    func sameSeedSameRun() {
        struct Outcome: Equatable {
            var traffic: AntiEntropySimulation.Traffic
            var convergedAfter: Double?
            var digest: PartitionDigest
        }
        func outcome(_ seed: UInt64) -> Outcome {
            let run = Self.shopRun(seed: seed, replicas: 5, events: 500, products: 50, loss: 0.2)
            return Outcome(traffic: run.simulation.traffic, convergedAfter: run.convergedAfter, digest: run.simulation.replicas["r0"]!.digest)
        }
        let first = outcome(42), second = outcome(42), other = outcome(43)
        #expect(first.convergedAfter != nil)
        #expect(first == second)
        #expect(first.traffic.messages != other.traffic.messages)
        #expect(first.digest != other.digest)
        print("""
            anti-entropy replay: seed 42 twice gave \(first.traffic.messages) and \(second.traffic.messages) messages, \
            converged after \(first.convergedAfter.map { Self.seconds($0) } ?? "never") both times; seed 43: \(other.traffic.messages) messages
            """)
    }

    static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }

    // MARK: The shop workload

    /// Writes `events` events and several versions of `products` products and their
    /// stock over 10 simulated seconds, each to a random subset of the replicas, while
    /// anti-entropy runs; then runs until the replicas are equal (at most 60 s).
    static func shopRun(
        seed: UInt64, replicas: Int, events: Int, products: Int, loss: Double
    ) -> (simulation: AntiEntropySimulation, workload: ShopWorkload, convergedAfter: Double?) {
        var simulation = AntiEntropySimulation(seed: seed, replicas: replicas, maximumRecords: 500)
        simulation.network.loss = loss
        simulation.network.delay = 0.001...0.080
        var random = SimRandom(state: seed ^ 0x5eed)
        let workload = ShopWorkload(events: events, products: products, random: &random)
        let steps = 100  // 10 s of writes
        let perStep = (workload.writes.count + steps - 1) / steps
        for start in stride(from: 0, to: workload.writes.count, by: perStep) {
            for record in workload.writes[start..<min(start + perStep, workload.writes.count)] {
                simulation.write(record, to: simulation.randomTargets(using: &random))
            }
            simulation.run(for: .milliseconds(100))
        }
        let stoppedAt = simulation.now
        let converged = simulation.run(until: .seconds(60)) { $0.converged }
        return (simulation, workload, converged ? simulation.now.seconds - stoppedAt.seconds : nil)
    }
}

/// Events, products with several versions each and stock levels, shuffled (so older
/// versions of a register often arrive after newer ones), and what every replica must
/// end up holding: every event, each register at its highest version.
struct ShopWorkload {
    var writes: [ReplicatedRecord] = []
    var events: Set<ReplicatedRecord> = []
    /// Product id → its highest version.
    var products: [String: ReplicatedRecord] = [:]
    /// Product id → its stock level's highest version.
    var stock: [String: ReplicatedRecord] = [:]

    var expected: Set<ReplicatedRecord> { events.union(products.values).union(stock.values) }

    init(events count: Int, products productCount: Int, random: inout SimRandom) {
        for index in 0..<count {
            let event = ReplicatedRecord(
                kind: .event, key: "e\(index)", version: AntiEntropySimulationTests.epochMillis + Int64(index) * 37,
                shopper: "u\(random.next() % 100)", body: Array("event \(index)".utf8)
            )
            writes.append(event)
            events.insert(event)
        }
        for index in 0..<productCount {
            let id = "p\(index)"
            for version in 1...(2 + Int(random.next() % 4)) {
                let product = ReplicatedRecord(kind: .product, key: id, version: Int64(version) * 10, body: Array("\(id) v\(version)".utf8))
                writes.append(product)
                products[id] = product
            }
            for version in 1...(1 + Int(random.next() % 3)) {
                let level = ReplicatedRecord(kind: .stock, key: id, version: Int64(version), body: [UInt8(truncatingIfNeeded: version * 7)])
                writes.append(level)
                stock[id] = level
            }
        }
        writes.shuffle(using: &random)
    }
}
