import Foundation
import Testing
import TailorCRDT
import TailorMembership

/// SWIM in a simulated network (``Simulation``): seeded loss, delay, reordering,
/// partitions and paused members on a fake clock. A failing run names its seed;
/// `TAILOR_SIM_SEED=<seed> swift test --filter SWIMSimulationTests` replays it.
@Suite struct SWIMSimulationTests {
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["TAILOR_SIM_SEED"].flatMap(UInt64.init) ?? 0x5eed_0001
    }

    /// `count` members, all joining through m0.
    func cluster(_ count: Int, seed: UInt64 = seed) -> Simulation {
        var simulation = Simulation(seed: seed)
        for index in 0..<count { simulation.start("m\(index)", seeds: index == 0 ? [] : ["m0"]) }
        return simulation
    }

    /// Whether every running member among `members` sees exactly `members` alive.
    static func agree(_ simulation: Simulation, on members: Set<String>) -> Bool {
        members.allSatisfy { observer in
            guard let instance = simulation.instances[observer] else { return false }
            return Set(instance.view.filter { $0.status == .alive }.map(\.member.name)) == members
        }
    }

    @Test(arguments: [5, 20, 50])
    func everyoneAgreesAfterJoinsAndALeave(members: Int) {
        var simulation = cluster(members)
        var expected = Set((0..<members).map { "m\($0)" })
        #expect(simulation.run(until: .seconds(30)) { Self.agree($0, on: expected) }, "join, seed \(simulation.seed)")

        let leaver = "m\(members - 1)"
        simulation.leave(leaver)
        simulation.kill(leaver)
        expected.remove(leaver)
        #expect(simulation.run(until: .seconds(5)) { simulation in
            expected.allSatisfy { simulation.status(of: leaver, seenBy: $0) == .left }
        }, "leave, seed \(simulation.seed)")

        simulation.start("late", seeds: ["m1"])
        expected.insert("late")
        #expect(simulation.run(until: .seconds(30)) { Self.agree($0, on: expected) }, "late join, seed \(simulation.seed)")
    }

    @Test(arguments: [5, 20, 50])
    func aKilledMemberIsDeclaredDeadByEveryoneWithinFiveSeconds(members: Int) {
        var simulation = cluster(members)
        let everyone = Set((0..<members).map { "m\($0)" })
        #expect(simulation.run(until: .seconds(30)) { Self.agree($0, on: everyone) })
        let killedAt = simulation.now
        simulation.kill("m2")
        let survivors = everyone.subtracting(["m2"])
        let declared = simulation.run(until: .seconds(5)) { simulation in
            survivors.allSatisfy { simulation.status(of: "m2", seenBy: $0) == .dead }
        }
        #expect(declared, "seed \(simulation.seed): after 5 s \(survivors.filter { simulation.status(of: "m2", seenBy: $0) == .dead }.count) of \(survivors.count) saw m2 dead")
        #expect(simulation.now.seconds - killedAt.seconds <= 5)
    }

    @Test func noAliveMemberIsDeclaredDeadInTenMinutesAtTenPercentLoss() {
        var simulation = cluster(10)
        let everyone = Set((0..<10).map { "m\($0)" })
        #expect(simulation.run(until: .seconds(30)) { Self.agree($0, on: everyone) })
        simulation.network.loss = 0.10
        simulation.network.delay = 0.001...0.020
        simulation.run(for: .seconds(600))
        let falseDeaths = simulation.changes.filter { $0.status == .dead }
        #expect(falseDeaths.isEmpty, "seed \(simulation.seed): \(falseDeaths.count) false deaths, first \(String(describing: falseDeaths.first))")
        let suspicions = simulation.changes.filter { $0.status == .suspect }
        // Loss makes suspicions happen; each must have been refuted (everyone alive at the end).
        #expect(Self.agree(simulation, on: everyone), "seed \(simulation.seed), \(suspicions.count) suspicions")
    }

    @Test func aMemberPausedShorterThanItsSuspicionRefutesAndStays() {
        var simulation = cluster(5)
        let everyone = Set((0..<5).map { "m\($0)" })
        #expect(simulation.run(until: .seconds(30)) { Self.agree($0, on: everyone) })
        simulation.pause("m3")
        simulation.run(for: .milliseconds(900))
        simulation.resume("m3")
        #expect(simulation.run(until: .seconds(10)) { Self.agree($0, on: everyone) }, "seed \(simulation.seed)")
        #expect(!simulation.changes.contains { $0.subject == "m3" && $0.status == .dead })
    }

    @Test func bothSidesOfAHealedPartitionFindEachOtherAgain() {
        var simulation = cluster(6)
        let everyone = Set((0..<6).map { "m\($0)" })
        #expect(simulation.run(until: .seconds(30)) { Self.agree($0, on: everyone) })
        let left: Set = ["m0", "m1", "m2"], right: Set = ["m3", "m4", "m5"]
        simulation.network.partition = [left, right]
        #expect(simulation.run(until: .seconds(20)) { simulation in
            left.allSatisfy { observer in right.allSatisfy { simulation.status(of: $0, seenBy: observer) == .dead } }
                && right.allSatisfy { observer in left.allSatisfy { simulation.status(of: $0, seenBy: observer) == .dead } }
        }, "each side declares the other dead, seed \(simulation.seed)")
        simulation.network.partition = []
        #expect(simulation.run(until: .seconds(60)) { Self.agree($0, on: everyone) }, "healed, seed \(simulation.seed)")
    }

    @Test(arguments: [5, 20])
    func countersConvergeEverywhereAfterTrafficStops(members: Int) {
        var simulation = cluster(members)
        let everyone = Set((0..<members).map { "m\($0)" })
        #expect(simulation.run(until: .seconds(30)) { Self.agree($0, on: everyone) })
        simulation.network.loss = 0.10
        simulation.network.delay = 0.001...0.020
        // Two gateways count interactions for a few products for a while, with retries.
        var random = SimRandom(state: simulation.seed)
        var counted = 0.0
        for event in 0..<300 {
            let counter = event % 2 == 0 ? "m0" : "m1"
            let product = "p\(random.next() % 40)"
            let weight = Double(1 + random.next() % 5)
            counted += weight
            simulation.count(at: counter, product: product, weight: weight, eventID: "e\(event)")
            simulation.count(at: counter, product: product, weight: 1, eventID: "e\(event)")  // a retry: no effect
            simulation.run(for: .milliseconds(20))
        }
        let stoppedAt = simulation.now
        let converged = simulation.run(until: .seconds(30)) { simulation in
            let digests = Set(everyone.map { simulation.counters[$0]!.table.digest() })
            return digests.count == 1
        }
        #expect(converged, "seed \(simulation.seed): counters still differ 30 s after the last event")
        // The converged value is what was counted, each event once (retries ignored),
        // decayed by under a minute of a week's half-life.
        let reader = simulation.counters["m\(members - 1)"]!.table
        let total = (0..<40).reduce(0.0) { $0 + reader.popularity(of: "p\($1)", nowMillis: simulation.nowMillis) }
        #expect(total <= counted && total > counted * 0.999, "read \(total), counted \(counted)")
        print("counters converged \(simulation.now.seconds - stoppedAt.seconds) s after the last event (\(members) members, 10 % loss)")
    }

    /// A shop's catalog, not a handful of products: what a lost delta left behind is
    /// repaired by the digest exchange within seconds, however many products the
    /// table holds (a walk of the whole table would take 16 s for these 2,000).
    @Test func countersOfALargeTableConvergeWithinSecondsOfTheLastEvent() {
        var simulation = cluster(6)
        let everyone = Set((0..<6).map { "m\($0)" })
        #expect(simulation.run(until: .seconds(30)) { Self.agree($0, on: everyone) })
        // Bucket digests are kept up to date as counters change: cheap enough for every tick.
        func converged(_ simulation: Simulation) -> Bool {
            Set(everyone.map { simulation.counters[$0]!.digest }).count == 1
        }
        for index in 0..<2_000 {
            simulation.count(at: "m0", product: "p\(index)", weight: 1, eventID: "seed\(index)")
        }
        let spread = simulation.run(until: .seconds(60), converged)
        #expect(spread, "seed \(simulation.seed): the table never spread")
        simulation.network.loss = 0.10
        simulation.network.delay = 0.001...0.020
        var random = SimRandom(state: simulation.seed)
        for event in 0..<600 {
            let product = "p\(random.next() % 2_000)"
            simulation.count(at: event % 2 == 0 ? "m0" : "m1", product: product, weight: 1, eventID: "e\(event)")
            simulation.run(for: .milliseconds(20))
        }
        let stoppedAt = simulation.now
        let repaired = simulation.run(until: .seconds(5), converged)
        #expect(repaired, "seed \(simulation.seed): counters still differ 5 s after the last event")
        #expect(Set(everyone.map { simulation.counters[$0]!.table.digest() }).count == 1, "the tables' full digests agree too")
        print("2,000 products: counters converged \(simulation.now.seconds - stoppedAt.seconds) s after the last event (6 members, 10 % loss)")
    }

    @Test func theSameSeedReplaysTheSameRun() {
        func run() -> (Int, [String]) {
            var simulation = cluster(8, seed: 42)
            simulation.network.loss = 0.05
            simulation.network.delay = 0.001...0.030
            simulation.run(for: .seconds(5))
            simulation.kill("m4")
            simulation.run(for: .seconds(10))
            return (simulation.messagesSent, simulation.changes.map { "\($0.observer) \($0.subject) \($0.status) \($0.at)" })
        }
        let first = run(), second = run()
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
        #expect(first.1.contains { $0.contains("m4 dead") })
    }
}
