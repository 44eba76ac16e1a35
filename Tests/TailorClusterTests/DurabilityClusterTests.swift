import Foundation
import Testing
import TailorTesting

/// Durability through real processes: nodes with their SQLite stores, killed,
/// restarted and joined while a client writes; every acknowledged event is then
/// looked for on every replica through `GET /v1/users/{id}/export?replica=`.
extension ProcessSuites {
@Suite("Durability (nodes with stores, as processes)", .serialized)
struct DurabilityClusterTests {
    /// Anti-entropy every second, so that tests wait seconds, not tens of seconds.
    static let nodeArguments = ["--anti-entropy-interval", "1s"]

    /// Acknowledged events by shopper, and what was attempted.
    actor History {
        var acknowledged: [String: Set<String>] = [:]
        var attempted = 0
        var failed = 0
        var acknowledgedCount: Int { acknowledged.values.reduce(0) { $0 + $1.count } }

        func record(_ batch: [(id: String, shopper: String)], status: Int) {
            attempted += batch.count
            guard status == 200 else {
                failed += batch.count
                return
            }
            for event in batch { acknowledged[event.shopper, default: []].insert(event.id) }
        }
    }

    /// Writes batches of 10 events over 30 shoppers until cancelled, as a shop's client
    /// would (a failed batch is not retried here: only what was acknowledged counts).
    static func writer(_ cluster: TestCluster, history: History, prefix: String) -> Task<Void, Never> {
        Task {
            var sequence = 0
            while !Task.isCancelled {
                var batch: [(id: String, shopper: String)] = []
                for _ in 0..<10 {
                    sequence += 1
                    batch.append(("\(prefix)-\(sequence)", "shopper-\(sequence % 30)"))
                }
                let events = batch.map { #"{"id":"\#($0.id)","type":"view","user":"\#($0.shopper)","product":"p\#(String(format: "%05d", $0.id.hashValue & 1023))"}"# }
                let status = (try? await cluster.post("/v1/events", json: #"{"events":[\#(events.joined(separator: ","))]}"#).0) ?? 0
                await history.record(batch, status: status)
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    static func waitUntil(_ timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }

    static func json(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// The event ids each replica of the shopper's partition holds (nil: that replica
    /// did not answer, e.g. still catching up).
    static func heldIDs(of shopper: String, in cluster: TestCluster) async throws -> [String: Set<String>?] {
        let (status, data) = try await cluster.get("/v1/users/\(shopper)/export")
        guard status == 200 else { return [:] }
        var held: [String: Set<String>?] = [:]
        for replica in json(data)["replicas"] as? [String] ?? [] {
            let (status, data) = try await cluster.get("/v1/users/\(shopper)/export?replica=\(replica)")
            let events = json(data)["events"] as? [[String: Any]]
            held[replica] = status == 200 ? Set(events?.compactMap { $0["id"] as? String } ?? []) : nil
        }
        return held
    }

    /// Acknowledged events missing from some replica: "shopper@replica: count", empty when none.
    static func missing(_ history: History, in cluster: TestCluster) async throws -> [String] {
        var missing: [String] = []
        for (shopper, ids) in await history.acknowledged.sorted(by: { $0.key < $1.key }) {
            let held = try await heldIDs(of: shopper, in: cluster)
            if held.isEmpty { missing.append("\(shopper): no replica answered") }
            for (replica, events) in held.sorted(by: { $0.key < $1.key }) {
                guard let events else {
                    missing.append("\(shopper)@\(replica): no answer")
                    continue
                }
                let lacking = ids.subtracting(events)
                if !lacking.isEmpty { missing.append("\(shopper)@\(replica): \(lacking.count) missing") }
            }
        }
        return missing
    }

    /// Node name → (held partitions, incomplete partitions), from `GET /v1/cluster`.
    static func holdings(_ cluster: TestCluster) async throws -> [String: (held: Set<Int>, incomplete: Set<Int>)] {
        let view = json(try await cluster.get("/v1/cluster").1)
        var holdings: [String: (held: Set<Int>, incomplete: Set<Int>)] = [:]
        for member in view["members"] as? [[String: Any]] ?? [] {
            guard let name = member["name"] as? String, let held = member["heldPartitions"] as? [Int] else { continue }
            holdings[name] = (Set(held), Set(member["incompletePartitions"] as? [Int] ?? []))
        }
        return holdings
    }

    /// The gateway's shard map: partition → replicas.
    static func shardMap(_ cluster: TestCluster) async throws -> [Int: [String]] {
        let view = json(try await cluster.get("/v1/cluster").1)
        var map: [Int: [String]] = [:]
        for entry in view["partitions"] as? [[String: Any]] ?? [] {
            if let partition = entry["partition"] as? Int { map[partition] = entry["replicas"] as? [String] ?? [] }
        }
        return map
    }

    @Test("an event stored by a replica that crashed before answering counts in popularity once, when the shop retries it")
    func crashAfterCommitCountsOnRetry() async throws {
        let armed = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-armed-\(UUID().uuidString)")
        let variable = ["TAILOR_FAILPOINT_CRASH_BEFORE_ANSWER": "1,after-commit,\(armed.path)"]
        // One replica per partition, so the only replica that stored the event is the one that crashed.
        let cluster = try await TestCluster.start(demo: false, replicas: 1, extraNodeArguments: Self.nodeArguments) { $0 == "n1" ? variable : [:] }
        defer { cluster.stop() }
        defer { try? FileManager.default.removeItem(at: armed) }

        func replicas(of shopper: String) async throws -> [String] {
            Self.json(try await cluster.get("/v1/users/\(shopper)/export").1)["replicas"] as? [String] ?? []
        }
        var shopper = ""
        for index in 0..<200 where shopper.isEmpty {
            if try await replicas(of: "retry-\(index)") == ["n1"] { shopper = "retry-\(index)" }
        }
        try #require(!shopper.isEmpty, "no shopper of n1's partitions among 200")
        let batch = #"{"events":[{"id":"retried-purchase","type":"purchase","user":"\#(shopper)","product":"p-retried"}]}"#

        #expect(FileManager.default.createFile(atPath: armed.path, contents: nil))
        let (first, _) = (try? await cluster.post("/v1/events", json: batch)) ?? (0, Data())
        #expect(first != 200, "n1 was to crash after its commit, before answering")
        try FileManager.default.removeItem(at: armed)
        #expect(try await cluster.exitStatus(of: "n1", within: .seconds(10)) != nil, "n1 did not crash")
        try cluster.restart("n1")
        let back = try await Self.waitUntil(.seconds(60)) {
            let holdings = try await Self.holdings(cluster)
            guard try await replicas(of: shopper) == ["n1"], let n1 = holdings["n1"], !n1.held.isEmpty, n1.incomplete.isEmpty else { return false }
            return try await Self.heldIDs(of: shopper, in: cluster)["n1"] == .some(["retried-purchase"])
        }
        try #require(back, "n1 did not come back holding the event it committed before crashing")

        // The retry finds the event stored already: a duplicate, yet counted once, here.
        func popularity() async throws -> Double? {
            let counters = Self.json(try await cluster.get("/v1/cluster").1)["counters"] as? [[String: Any]] ?? []
            let entry = counters.first { $0["product"] as? String == "p-retried" }
            return (entry?["popularity"] as? [String: Double])?["gateway"]
        }
        for attempt in 1...2 {
            let (status, data) = try await cluster.post("/v1/events", json: batch)
            #expect(status == 200)
            #expect(Self.json(data)["duplicates"] as? Int == 1, "attempt \(attempt): \(String(decoding: data, as: UTF8.self))")
            let counted = try await popularity()
            // A purchase of one counts 8 (its interest); never twice.
            #expect(counted.map { abs($0 - 8) < 0.01 } == true, "attempt \(attempt): popularity \(String(describing: counted))")
        }
    }

    @Test("a replica SIGKILLed mid-stream and restarted holds every acknowledged event, as do the others")
    func killedReplicaLosesNothing() async throws {
        let cluster = try await TestCluster.start(extraNodeArguments: Self.nodeArguments)
        defer { cluster.stop() }
        let history = History()
        let writer = Self.writer(cluster, history: history, prefix: "kill")
        defer { writer.cancel() }

        #expect(try await Self.waitUntil(.seconds(20)) { await history.acknowledgedCount >= 200 })
        cluster.kill("n2")
        let atKill = await history.acknowledgedCount
        // Acknowledgements resume once the map drops n2 (its partitions' other replicas
        // take writes with a new partner).
        let resumed = try await Self.waitUntil(.seconds(20)) { await history.acknowledgedCount >= atKill + 100 }
        #expect(resumed, "no write acknowledged after the kill")

        try cluster.restart("n2")
        let back = try await Self.waitUntil(.seconds(60)) {
            let holdings = try await Self.holdings(cluster)
            guard let n2 = holdings["n2"] else { return false }
            return !n2.held.isEmpty && n2.incomplete.isEmpty
        }
        #expect(back, "n2 did not come back with complete replicas")
        let atRestart = await history.acknowledgedCount
        #expect(try await Self.waitUntil(.seconds(20)) { await history.acknowledgedCount >= atRestart + 100 })
        writer.cancel()
        _ = await writer.value

        var lacking: [String] = []
        let converged = try await Self.waitUntil(.seconds(30)) {
            lacking = try await Self.missing(history, in: cluster)
            return lacking.isEmpty
        }
        if !converged { cluster.printLogs() }
        let (attempted, acknowledged) = (await history.attempted, await history.acknowledgedCount)
        #expect(converged, "acknowledged events missing from replicas: \(lacking.prefix(10)) (\(acknowledged) acknowledged of \(attempted))")
    }

    @Test("every node SIGKILLed at once mid-stream and restarted: every acknowledged event is still on all its replicas")
    func wholeClusterKilled() async throws {
        let cluster = try await TestCluster.start(extraNodeArguments: Self.nodeArguments)
        defer { cluster.stop() }
        let history = History()
        let writer = Self.writer(cluster, history: history, prefix: "all")
        defer { writer.cancel() }
        #expect(try await Self.waitUntil(.seconds(20)) { await history.acknowledgedCount >= 300 })
        // No replica is left to copy from: what comes back is what the stores kept.
        for name in cluster.nodeNames { cluster.kill(name) }
        writer.cancel()
        _ = await writer.value
        for name in cluster.nodeNames { try cluster.restart(name) }

        var lacking: [String] = []
        let recovered = try await Self.waitUntil(.seconds(60)) {
            lacking = try await Self.missing(history, in: cluster)
            return lacking.isEmpty
        }
        if !recovered { cluster.printLogs() }
        let acknowledged = await history.acknowledgedCount
        #expect(recovered, "acknowledged events lost: \(lacking.prefix(10)) of \(acknowledged)")
    }

    @Test("a 4th node joins: only partitions whose replicas change move, the old owners let go, nothing is lost")
    func joinMovesOnlyWhatMust() async throws {
        let cluster = try await TestCluster.start(extraNodeArguments: Self.nodeArguments)
        defer { cluster.stop() }
        let before = try await Self.shardMap(cluster)
        let history = History()
        let writer = Self.writer(cluster, history: history, prefix: "join")
        defer { writer.cancel() }
        #expect(try await Self.waitUntil(.seconds(20)) { await history.acknowledgedCount >= 200 })

        _ = try cluster.join("n4", extraArguments: Self.nodeArguments)
        var after: [Int: [String]] = [:]
        let settled = try await Self.waitUntil(.seconds(60)) {
            after = try await Self.shardMap(cluster)
            let holdings = try await Self.holdings(cluster)
            guard after.values.contains(where: { $0.contains("n4") }), holdings.count == 4 else { return false }
            // Every node holds exactly what the new map gives it, all complete.
            for (name, holding) in holdings {
                let wanted = Set(after.filter { $0.value.contains(name) }.keys)
                guard holding.held == wanted, holding.incomplete.isEmpty else { return false }
            }
            return true
        }
        if !settled { cluster.printLogs() }
        let holdings = try await Self.holdings(cluster).mapValues { ($0.held.count, $0.incomplete.count) }
        #expect(settled, "the cluster did not settle on the new map: \(holdings)")

        let moved = Set(before.keys.filter { Set(before[$0] ?? []) != Set(after[$0] ?? []) })
        let gained = Set(after.filter { $0.value.contains("n4") }.keys)
        #expect(moved == gained, "a partition moved that the new member did not take")
        // P·R/(N+1) = 64·2/4 = 32 partitions are expected to move.
        #expect(moved.count >= 20 && moved.count <= 44, "\(moved.count) of 64 partitions moved")

        let atJoin = await history.acknowledgedCount
        #expect(try await Self.waitUntil(.seconds(20)) { await history.acknowledgedCount >= atJoin + 100 })
        writer.cancel()
        _ = await writer.value
        var lacking: [String] = []
        let complete = try await Self.waitUntil(.seconds(30)) {
            lacking = try await Self.missing(history, in: cluster)
            return lacking.isEmpty
        }
        if !complete { cluster.printLogs() }
        #expect(complete, "acknowledged events missing after the join: \(lacking.prefix(10))")
    }

    @Test("an erased shopper stays erased when a replica that missed the erasure comes back")
    func erasureOutlivesAStaleReplica() async throws {
        let cluster = try await TestCluster.start(replicas: 3, extraNodeArguments: Self.nodeArguments)
        defer { cluster.stop() }
        let old = (0..<20).map { #"{"id":"gone-\#($0)","type":"view","user":"gone","product":"p00001","at":"2026-01-01T00:00:\#(String(format: "%02d", $0))Z"}"# }
        let kept = (0..<5).map { #"{"id":"kept-\#($0)","type":"view","user":"kept","product":"p00002"}"# }
        let written = try await cluster.post("/v1/events", json: #"{"events":[\#((old + kept).joined(separator: ","))]}"#)
        #expect(written.0 == 200, "\(String(decoding: written.1, as: UTF8.self))")
        // Every replica (R = 3) holds the shopper's events before n3 goes away.
        #expect(try await Self.waitUntil(.seconds(10)) {
            try await Self.heldIDs(of: "gone", in: cluster).values.allSatisfy { $0?.count == 20 }
        })

        cluster.kill("n3")
        let erased = try await cluster.delete("/v1/users/gone")
        #expect(erased.0 == 200, "\(String(decoding: erased.1, as: UTF8.self))")
        #expect(Self.json(erased.1)["eventsRemoved"] as? Int == 20)

        try cluster.restart("n3")
        var held: [String: Set<String>?] = [:]
        let stayedErased = try await Self.waitUntil(.seconds(30)) {
            held = try await Self.heldIDs(of: "gone", in: cluster)
            return held.keys.contains("n3") && held.count == 3 && held.values.allSatisfy { $0 == [] }
        }
        if !stayedErased { cluster.printLogs() }
        #expect(stayedErased, "the erased shopper's events came back: \(held)")

        let export = Self.json(try await cluster.get("/v1/users/gone/export?replica=n3").1)
        #expect(export["erasedAt"] != nil)
        // A client retrying an event from before the erasure does not bring it back.
        let retried = try await cluster.post("/v1/events", json: #"{"events":[\#(old[0])]}"#)
        #expect(Self.json(retried.1)["accepted"] as? Int == 0)
        #expect(try await Self.heldIDs(of: "kept", in: cluster).values.allSatisfy { $0?.count == 5 })
    }
}
}
