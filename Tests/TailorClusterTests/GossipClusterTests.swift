import Foundation
import Testing
import TailorTesting
import TailorModel
import TailorDemo

/// Membership, counters and hedging through real processes (3 nodes and a gateway
/// gossiping over HTTP/2 on loopback), observed through the public API.
extension ProcessSuites {
@Suite("Gossip (3 nodes and a gateway as processes)", .serialized)
struct GossipClusterTests {
    /// `GET /v1/cluster`, decoded loosely.
    private func clusterStatus(_ cluster: TestCluster) async throws -> [String: Any] {
        let (status, data) = try await cluster.get("/v1/cluster")
        #expect(status == 200)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The gateway's gossip view: member name → status.
    private func statuses(_ cluster: TestCluster) async throws -> [String: String] {
        let gossip = try await clusterStatus(cluster)["gossip"] as? [String: Any]
        let members = gossip?["members"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: members.compactMap { member in
            (member["name"] as? String).map { ($0, member["status"] as? String ?? "") }
        })
    }

    private func waitUntil(_ timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    @Test("members see each other alive; a SIGKILLed node is marked dead within 5 s and the shard map drops it")
    func killedNodeIsDeclaredDead() async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        let allAlive = try await waitUntil(.seconds(10)) {
            try await statuses(cluster) == ["gateway": "alive", "n1": "alive", "n2": "alive", "n3": "alive"]
        }
        #expect(allAlive)
        cluster.kill("n3")
        let killedAt = ContinuousClock.now
        let dead = try await waitUntil(.seconds(5)) { try await statuses(cluster)["n3"] == "dead" }
        if !dead { cluster.printLogs() }
        let seen = try await statuses(cluster)
        #expect(dead, "n3 not marked dead \(ContinuousClock.now - killedAt) after SIGKILL: \(seen)")
        let view = try await clusterStatus(cluster)
        let replicas = (view["partitions"] as? [[String: Any]] ?? []).flatMap { $0["replicas"] as? [String] ?? [] }
        #expect(!replicas.contains("n3") && Set(replicas) == ["n1", "n2"])
        for shopper in ["u1", "u2", "u3"] {
            let answer = try await cluster.post("/v1/recommendations", json: #"{"user":"\#(shopper)","placement":"home_for_you"}"#)
            let text = String(decoding: answer.1, as: UTF8.self)
            #expect(answer.0 == 200 && text.contains(#""degraded":false"#), "\(text)")
        }
    }

    @Test("a node that joins through --seeds is seen by the gateway and gets partitions; SIGTERM makes it leave")
    func joinAndLeave() async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        _ = try cluster.join("n4")
        let joined = try await waitUntil(.seconds(10)) { try await statuses(cluster)["n4"] == "alive" }
        #expect(joined)
        let holdsPartitions = try await waitUntil(.seconds(5)) {
            let view = try await clusterStatus(cluster)
            return (view["partitions"] as? [[String: Any]] ?? []).contains { ($0["replicas"] as? [String] ?? []).contains("n4") }
        }
        #expect(holdsPartitions)
        // Its replicas await hand-off: answers still cover every partition from the others.
        let answer = try await cluster.post("/v1/recommendations", json: #"{"user":"u7","placement":"home_for_you"}"#)
        #expect(String(decoding: answer.1, as: UTF8.self).contains(#""degraded":false"#), "\(String(decoding: answer.1, as: UTF8.self))")
        cluster.terminate("n4")
        // A graceful leave is heard at once, not after a suspicion timeout.
        let left = try await waitUntil(.seconds(1)) { try await statuses(cluster)["n4"] == "left" }
        #expect(left)
    }

    @Test("events counted by the gateway reach every member's counters")
    func countersConverge() async throws {
        let cluster = try await TestCluster.start()
        defer { cluster.stop() }
        let product = DemoIDs.product(3)
        let events = (0..<6).map { index in
            #"{"id":"gossip-\#(index)","type":"purchase","user":"u\#(index)","session":"s","product":"\#(product)"}"#
        }
        let (status, _) = try await cluster.post("/v1/events", json: #"{"events":[\#(events.joined(separator: ","))]}"#)
        #expect(status == 200)
        var last: [String: Double] = [:]
        let converged = try await waitUntil(.seconds(5)) {
            let counters = try await clusterStatus(cluster)["counters"] as? [[String: Any]] ?? []
            guard let entry = counters.first(where: { $0["product"] as? String == product }),
                let popularity = entry["popularity"] as? [String: Double]
            else { return false }
            last = popularity
            let values = popularity.values
            return Set(popularity.keys) == ["gateway", "n1", "n2", "n3"] && values.max()! - values.min()! < 0.01 * values.max()!
        }
        #expect(converged, "readings \(last)")
        // Six purchases, counted once each (the weight of a purchase is more than one view).
        #expect((last["n2"] ?? 0) >= 6)
    }

    @Test("a product written through one gateway reaches another gateway's inventory view by gossip")
    func inventoryReachesOtherGateways() async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        let second = try await cluster.startGateway("gateway-b")
        func catalogSize(_ data: Data) -> Int {
            ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["gatewayCatalogSize"] as? Int ?? -1
        }
        let before = catalogSize(try await cluster.get("/v1/cluster", on: second).1)
        let product = #"{"products":[{"id":"gossiped-1","title":"Gossiped Lamp","categoryPath":["Home","Lamps"],"price":20,"version":1}]}"#
        let (status, body) = try await cluster.put("/v1/products", json: product)
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
        // The second gateway refreshes from the nodes only every 5 minutes: gossip brings it sooner.
        let arrived = try await waitUntil(.seconds(3)) {
            catalogSize(try await cluster.get("/v1/cluster", on: second).1) == before + 1
        }
        #expect(arrived)
        let (deleted, _) = try await cluster.delete("/v1/products/gossiped-1?version=2")
        #expect(deleted == 200)
        let gone = try await waitUntil(.seconds(3)) { catalogSize(try await cluster.get("/v1/cluster", on: second).1) == before }
        #expect(gone)
    }

    @Test("while a node is paused (SIGSTOP), answers keep arriving before the deadline, hedged then routed around it")
    func pausedNodeIsHedgedAndSuspected() async throws {
        let cluster = try await TestCluster.start()
        defer { cluster.stop() }
        for index in 0..<30 {  // latency samples for the hedge delays
            _ = try await cluster.post("/v1/recommendations", json: #"{"user":"\#(DemoIDs.shopper(index))","placement":"home_for_you"}"#)
        }
        cluster.pause("n2")
        defer { cluster.resume("n2") }
        var slowest = 0.0
        var fullAfterSuspicion = true
        var degradedLate: [String] = []
        let pausedAt = ContinuousClock.now
        for index in 0..<40 {
            let (status, data) = try await cluster.post(
                "/v1/recommendations", json: #"{"user":"\#(DemoIDs.shopper(100 + index))","placement":"home_for_you"}"#
            )
            #expect(status == 200)
            let answer = try JSONDecoder().decode(RecommendationResponse.self, from: data)
            slowest = max(slowest, answer.tookMs)
            let since = ContinuousClock.now - pausedAt
            if since > .seconds(3), answer.coverage.degraded {
                fullAfterSuspicion = false
                degradedLate.append(
                    "\(since): \(answer.coverage.answered) of \(answer.coverage.partitions) in \(answer.tookMs) ms"
                        + " (\(answer.coverage.reasons?.joined(separator: "; ") ?? ""))"
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        if slowest >= 300 || !fullAfterSuspicion { cluster.printLogs() }
        #expect(slowest < 300, "the deadline is 250 ms; slowest answer \(slowest) ms")
        #expect(fullAfterSuspicion, "answers more than 3 s after the pause must not be degraded: \(degradedLate)")
        let n2 = try await statuses(cluster)["n2"]
        #expect(n2 == "suspect" || n2 == "dead")
        let scatter = try await clusterStatus(cluster)["scatter"] as? [String: Any]
        #expect((scatter?["hedgesSent"] as? Int ?? 0) > 0)
    }
}
}
