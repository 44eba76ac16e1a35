import Foundation
import NIOHTTP1
import TailorClient
import TailorProcess
import TailorTesting
import Testing

/// Segments and decision points on a real cluster with two gateways: the defaults on
/// a fresh cluster, a rule written through one gateway reaching the other, refusals,
/// and roles.
extension ProcessSuites {
    @Suite("Segments and decision points: replicated configuration (processes)", .serialized)
    struct SegmentClusterTests {
        static func json(_ data: Data) -> [String: Any] { DurabilityClusterTests.json(data) }
        static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
        static func errorField(_ data: Data) -> String? { (json(data)["error"] as? [String: Any])?["field"] as? String }

        static func client(_ gateway: URL, key: String) -> PublicAPIClient {
            var client = PublicAPIClient(gateway: gateway.absoluteString)!.authorized(key)
            client.timeout = .seconds(10)
            return client
        }

        /// The version gateway `client` shows for segment `id` (nil when it has none).
        static func version(of id: String, on client: PublicAPIClient) async throws -> Int64? {
            let (status, data) = try await client.get("/v1/segments/\(id)")
            return status == 200 ? (json(data)["version"] as? NSNumber)?.int64Value : nil
        }

        @Test("a rule written on gateway A is served by gateway B within 2 s; defaults, refusals and roles")
        func replicatedSegments() async throws {
            let cluster = try await TestCluster.start(demo: false)
            defer { cluster.stop() }
            do {
                let second = try await cluster.startGateway("gateway-b")
                let a = cluster.client
                let b = Self.client(second, key: cluster.credentials.adminKey)
                try await defaultsOnAFreshCluster(b)
                try await ruleReachesTheOtherGateway(a, b)
                try await refusals(a)
                try await publicKeysChangeNothing(cluster, a, b, second)
                try await decisionPoints(a, b)
            } catch {
                cluster.printLogs()
                throw error
            }
        }

        private func defaultsOnAFreshCluster(_ b: PublicAPIClient) async throws {
            let (status, data) = try await b.get("/v1/segments")
            #expect(status == 200, "\(Self.text(data))")
            let segments = Self.json(data)["segments"] as? [[String: Any]] ?? []
            #expect(Set(segments.compactMap { $0["id"] as? String }) == ["ready_to_buy", "browsing", "loyal", "new", "at_risk"])
            let loyal = segments.first { $0["id"] as? String == "loyal" } ?? [:]
            #expect(loyal["updatedBy"] as? String == "default")
            #expect(loyal["facts"] as? [String] == ["orders", "lifetime_value", "days_since_last_purchase"])
            #expect(!(loyal["description"] as? String ?? "").isEmpty)
        }

        private func ruleReachesTheOtherGateway(_ a: PublicAPIClient, _ b: PublicAPIClient) async throws {
            // An edit of a default answers 200; a new segment 201.
            let edit = try await a.send(.PUT, "/v1/segments/loyal", json: #"{"rule":"orders > 5 and lifetime_value > 500"}"#)
            #expect(edit.status == 200, "\(Self.text(edit.body))")
            let put = try await a.send(.PUT, "/v1/segments/vip", json: #"{"rule":"lifetime_value > 1000","priority":5,"description":"Top spenders"}"#)
            let answered = ContinuousClock.now
            #expect(put.status == 201, "\(Self.text(put.body))")
            let version = (Self.json(put.body)["version"] as? NSNumber)?.int64Value ?? -1
            #expect(Self.json(put.body)["facts"] as? [String] == ["lifetime_value"])
            // Poll gateway B (every 20 ms, 10 s at most) until it serves this version.
            var seen = false
            while !seen && ContinuousClock.now - answered < .seconds(10) {
                seen = try await Self.version(of: "vip", on: b) == version
                if !seen { try await Task.sleep(for: .milliseconds(20)) }
            }
            let took = ContinuousClock.now - answered
            #expect(seen, "gateway B never served version \(version) of segment vip")
            #expect(took <= .seconds(2), "gateway B served the new rule \(took) after gateway A answered the PUT")
            #expect(try await Self.version(of: "loyal", on: b) ?? 0 > 0, "gateway B still serves the default loyal")
        }

        private func refusals(_ a: PublicAPIClient) async throws {
            let bad = try await a.send(.PUT, "/v1/segments/typo", json: #"{"rule":"orders > 3 and ordrs > 1"}"#)
            #expect(bad.status == 400 && Self.errorField(bad.body) == "rule", "\(Self.text(bad.body))")
            #expect(Self.text(bad.body).contains("at 16"), "\(Self.text(bad.body))")
            #expect(try await a.get("/v1/segments/typo").status == 404)
            let badID = try await a.send(.PUT, "/v1/segments/bad%20id", json: #"{"rule":"orders > 1"}"#)
            #expect(badID.status == 400 && Self.errorField(badID.body) == "id", "\(Self.text(badID.body))")
        }

        private func publicKeysChangeNothing(_ cluster: TestCluster, _ a: PublicAPIClient, _ b: PublicAPIClient, _ second: URL) async throws {
            let (status, data) = try await cluster.post("/v1/keys", json: #"{"role":"public","name":"storefront","origins":["https://shop.example"]}"#)
            #expect(status == 201, "\(Self.text(data))")
            let key = Self.json(data)["key"] as? String ?? ""
            let before = try await Self.version(of: "vip", on: a)
            for storefront in [Self.client(cluster.gatewayURL, key: key), Self.client(second, key: key)] {
                // Gateway B learns the new key from the nodes (401 until then).
                #expect(try await DurabilityClusterTests.waitUntil(.seconds(10)) { try await storefront.get("/v1/segments").status != 401 })
                #expect(try await storefront.send(.PUT, "/v1/segments/vip", json: #"{"rule":"orders > 0"}"#).status == 403)
                #expect(try await storefront.send(.DELETE, "/v1/segments/vip").status == 403)
                #expect(try await storefront.get("/v1/segments").status == 403)
                #expect(try await storefront.send(.PUT, "/v1/decision-points/hero", json: #"{"treatments":[{"id":"x","payload":1}]}"#).status == 403)
            }
            #expect(try await Self.version(of: "vip", on: a) == before)
            #expect(try await Self.version(of: "vip", on: b) == before)
            #expect(try await a.get("/v1/decision-points/hero").status == 404)
        }

        private func decisionPoints(_ a: PublicAPIClient, _ b: PublicAPIClient) async throws {
            let unknown = try await a.send(
                .PUT, "/v1/decision-points/home_hero",
                json: #"{"treatments":[{"id":"vip_hero","payload":{"image":"vip.jpg"}}],"rules":[{"segment":"nope","treatment":"vip_hero"}]}"#
            )
            #expect(unknown.status == 422 && Self.errorField(unknown.body) == "rules[0].segment", "\(Self.text(unknown.body))")
            let placement = try await a.send(.PUT, "/v1/decision-points/home_for_you", json: #"{"treatments":[{"id":"x","payload":1}]}"#)
            #expect(placement.status == 400 && Self.errorField(placement.body) == "id", "\(Self.text(placement.body))")
            let put = try await a.send(
                .PUT, "/v1/decision-points/home_hero",
                json: #"{"treatments":[{"id":"vip_hero","payload":{"image":"vip.jpg"},"cap":{"times":1,"windowSeconds":86400}},{"id":"standard","payload":"plain"}],"rules":[{"segment":"vip","treatment":"vip_hero"}],"default":"standard"}"#
            )
            #expect(put.status == 201, "\(Self.text(put.body))")
            #expect(try await DurabilityClusterTests.waitUntil(.seconds(10)) {
                let (status, data) = try await b.get("/v1/decision-points/home_hero")
                let treatments = Self.json(data)["treatments"] as? [[String: Any]] ?? []
                return status == 200 && (treatments.first?["payload"] as? [String: Any])?["image"] as? String == "vip.jpg"
            }, "gateway B never served decision point home_hero")
            // A deletion reaches the other gateway too, and beats the default it replaced.
            #expect(try await a.send(.DELETE, "/v1/segments/new").status == 200)
            #expect(try await DurabilityClusterTests.waitUntil(.seconds(10)) { try await b.get("/v1/segments/new").status == 404 })
        }
    }
}
