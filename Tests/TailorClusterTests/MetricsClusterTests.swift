import Foundation
import Testing
import TailorTesting
import TailorProcess

extension ProcessSuites {
    /// `/metrics` on real processes: the gateway's on its public port, a node's on
    /// `--metrics-listen` (HTTP/1.1; its own port speaks only HTTP/2).
    @Suite("metrics on real processes", .serialized)
    struct MetricsClusterTests {
        @Test("a gateway counts the recommendations and events it served, a node its commits and gossip members")
        func metricsCountWhatHappened() async throws {
            let metricsPort = try FreePorts.take(1)[0]
            let cluster = try await TestCluster.start(
                nodes: 1, demo: false, replicas: 1, extraNodeArguments: ["--metrics-listen", "127.0.0.1:\(metricsPort)"]
            )
            defer { cluster.stop() }
            let events = #"{"events":[{"type":"view","user":"u1","product":"a"},{"type":"view","user":"u2","product":"b"}]}"#
            #expect(try await cluster.post("/v1/events", json: events).0 == 200)
            for _ in 0..<3 {
                #expect(try await cluster.post("/v1/recommendations", json: #"{"user":"u1","placement":"cart_addons"}"#).0 == 200)
            }

            let (status, body) = try await cluster.get("/metrics")
            #expect(status == 200)
            let gateway = String(decoding: body, as: UTF8.self)
            #expect(gateway.contains(#"tailor_recommendations_total{placement="cart_addons",coverage="full"} 3"#), "\(gateway.prefix(2_000))")
            #expect(gateway.contains("tailor_events_accepted_total 2"))
            #expect(gateway.contains(#"tailor_recommendation_duration_seconds_count{placement="cart_addons"} 3"#))
            #expect(gateway.contains(#"http_server_request_duration_count{http_route="/v1/recommendations""#))

            // The node sees the gateway alive once gossip has told it: wait for that (10 s at most).
            let nodeURL = URL(string: "http://127.0.0.1:\(metricsPort)")!
            let deadline = ContinuousClock.now + .seconds(10)
            var node = ""
            while true {
                let (nodeStatus, nodeBody) = try await cluster.get("/metrics", on: nodeURL)
                #expect(nodeStatus == 200)
                node = String(decoding: nodeBody, as: UTF8.self)
                if node.contains(#"tailor_gossip_members{state="alive"} 2"#) || ContinuousClock.now > deadline { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(node.contains("tailor_store_commit_duration_seconds_count"), "\(node.prefix(2_000))")
            #expect(node.contains(#"tailor_gossip_members{state="alive"} 2"#), "\(node.prefix(2_000))")
        }
    }
}
