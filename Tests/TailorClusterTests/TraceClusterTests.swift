import Foundation
import TailorClient
import TailorTesting
import Testing

/// The decision trace of a recommendation on a real cluster: what was shown and where it
/// came from, what was removed and why, and who may read it.
extension ProcessSuites {
    @Suite("Decision traces (processes)", .serialized)
    struct TraceClusterTests {
        static let request = #"{"user":"trace-shopper","placement":"product_similar","context":{"product":"p00001"},"k":5}"#

        static func recommend(_ cluster: TestCluster) async throws -> [String: Any] {
            let (status, data) = try await cluster.post("/v1/recommendations", json: request)
            #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
            return DurabilityClusterTests.json(data)
        }

        static func trace(_ cluster: TestCluster, _ id: String) async throws -> (Int, [String: Any]) {
            let (status, data) = try await cluster.get("/v1/recommendations/\(id)/trace")
            return (status, DurabilityClusterTests.json(data))
        }

        @Test("a recommendation's trace: shown items with origins and contributions, an out-of-stock product removed, who may read it")
        func traceOfARecommendation() async throws {
            let cluster = try await TestCluster.start()
            defer { cluster.stop() }
            do {
                try await check(cluster)
            } catch {
                cluster.printLogs()
                throw error
            }
        }

        private func check(_ cluster: TestCluster) async throws {
            let view = #"{"events":[{"id":"trace-v1","type":"view","user":"trace-shopper","session":"s","product":"p00002"}]}"#
            #expect(try await cluster.post("/v1/events", json: view).0 == 200)

            let answer = try await Self.recommend(cluster)
            let id = try #require(answer["recommendationId"] as? String)
            let items = answer["items"] as? [[String: Any]] ?? []
            try #require(!items.isEmpty)
            let (status, trace) = try await Self.trace(cluster, id)
            #expect(status == 200, "\(trace)")
            #expect(trace["recommendationId"] as? String == id)
            #expect(trace["placement"] as? String == "product_similar")
            #expect(trace["shopper"] as? String == "trace-shopper")
            #expect(trace["k"] as? Int == 5)
            #expect((trace["weights"] as? [String: Any])?["collaborative"] != nil)
            let shown = trace["shown"] as? [[String: Any]] ?? []
            #expect(shown.map { $0["product"] as? String } == items.map { $0["product"] as? String })
            for entry in shown {
                #expect((entry["signals"] as? [String: Any])?.isEmpty == false)
                let source = (entry["origin"] as? [String: Any])?["source"] as? String
                #expect(source != nil && source != "unknown", "\(entry)")
            }
            // The page's product and the viewed one seed the co-occurrence.
            let seeds = shown.compactMap { ($0["origin"] as? [String: Any])?["seeds"] as? [String] }.flatMap { $0 }
            #expect(!seeds.isEmpty, "\(shown)")
            #expect(Set(seeds).isSubset(of: ["p00001", "p00002"]), "\(seeds)")

            // The first item out of stock: the next answer's trace lists it as removed for that.
            let first = try #require(items.first?["product"] as? String)
            let stock = #"{"stock":[{"product":"\#(first)","quantity":0,"version":9000000000000}]}"#
            #expect(try await cluster.put("/v1/inventory", json: stock).0 == 200)
            let again = try await Self.recommend(cluster)
            #expect(!((again["items"] as? [[String: Any]]) ?? []).contains { $0["product"] as? String == first })
            let (_, second) = try await Self.trace(cluster, try #require(again["recommendationId"] as? String))
            let removed = second["removed"] as? [[String: Any]] ?? []
            #expect(removed.contains { $0["product"] as? String == first && $0["removedBy"] as? String == "out_of_stock" }, "\(removed)")
            #expect(removed.count <= 50)

            // A forged id is refused; a public key may not read traces.
            let (forged, problem) = try await Self.trace(cluster, "AAAA" + id.dropFirst(4))
            #expect(forged == 400)
            #expect((problem["error"] as? [String: Any])?["field"] as? String == "recommendationId")
            let storefront = try await AccessClusterTests.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["https://shop.example"]}"#)
            #expect(try await cluster.client(key: storefront.key).get("/v1/recommendations/\(id)/trace").status == 403)

            // Another gateway did not answer it: 404, saying where traces are kept.
            let other = try await cluster.startGateway("g2")
            let (elsewhere, data) = try await cluster.get("/v1/recommendations/\(id)/trace", on: other)
            #expect(elsewhere == 404)
            let why = (DurabilityClusterTests.json(data)["error"] as? [String: Any])?["problem"] as? String ?? ""
            #expect(why.contains("gateway that answered"), "\(why)")
        }
    }
}
