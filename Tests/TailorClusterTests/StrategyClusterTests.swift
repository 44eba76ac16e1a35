import Foundation
import NIOHTTP1
import TailorClient
import TailorProcess
import TailorTesting
import Testing

/// A placement's strategy settings on a real cluster (three nodes, the small demo shop)
/// with two gateways: the built-in defaults, settings saved through one gateway shown
/// and followed by the other, the history, refusals, roles, an experiment over the
/// settings, and a reset.
extension ProcessSuites {
    @Suite("Strategies: a placement's settings as replicated configuration (processes)", .serialized)
    struct StrategyClusterTests {
        static func json(_ data: Data) -> [String: Any] { DurabilityClusterTests.json(data) }
        static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
        static func errorField(_ data: Data) -> String? { (json(data)["error"] as? [String: Any])?["field"] as? String }
        static func version(_ data: Data) -> Int64 { (json(data)["version"] as? NSNumber)?.int64Value ?? -1 }

        static func client(_ gateway: URL, key: String) -> PublicAPIClient {
            var client = PublicAPIClient(gateway: gateway.absoluteString)!.authorized(key)
            client.timeout = .seconds(10)
            return client
        }

        /// A recommendation for `placement`; the answer's items and strategy.
        static func recommend(
            _ client: PublicAPIClient, _ shopper: String, placement: String = "home_for_you", extra: String = ""
        ) async throws -> (items: Int, strategy: String?) {
            let (status, data) = try await client.send(.POST, "/v1/recommendations", json: #"{"user":"\#(shopper)","placement":"\#(placement)"\#(extra)}"#)
            #expect(status == 200, "\(text(data))")
            return ((json(data)["items"] as? [Any])?.count ?? -1, json(data)["strategy"] as? String)
        }

        @Test("settings saved through gateway A are shown and followed by gateway B within 2 s; history, refusals, roles, experiments, reset")
        func replicatedStrategies() async throws {
            let cluster = try await TestCluster.start()
            defer { cluster.stop() }
            do {
                let second = try await cluster.startGateway("gateway-b")
                let b = Self.client(second, key: cluster.credentials.adminKey)
                try await builtInDefaults(b)
                let merchandiser = try await AccessClusterTests.makeKey(cluster, #"{"role":"private","name":"merchandising console"}"#)
                let a = Self.client(cluster.gatewayURL, key: merchandiser.key)
                try await settingsReachTheOtherGateway(a, b, keyID: merchandiser.id)
                try await refusals(cluster, a, second)
                try await experimentsWinOverSettings(a)
                try await reset(a, b, keyID: merchandiser.id)
            } catch {
                cluster.printLogs()
                throw error
            }
        }

        private func builtInDefaults(_ b: PublicAPIClient) async throws {
            let (status, data) = try await b.get("/v1/strategies")
            #expect(status == 200, "\(Self.text(data))")
            let strategies = Self.json(data)["strategies"] as? [[String: Any]] ?? []
            #expect(
                strategies.compactMap { $0["placement"] as? String }
                    == ["home_for_you", "product_similar", "cart_addons", "checkout_offer", "post_order_email", "search_rerank"]
            )
            for placement in strategies {
                #expect(placement["version"] as? NSNumber == 0 && placement["updatedBy"] as? String == "default", "\(placement)")
                #expect(placement["strategy"] as? String == "conversion" && placement["k"] as? NSNumber == 5 && placement["mix"] as? Bool == false)
                #expect(placement["maxCategoryShare"] as? NSNumber == 0.6 && (placement["history"] as? [Any])?.isEmpty == true)
            }
            let home = try await b.get("/v1/strategies/home_for_you")
            let effective = (Self.json(home.body)["effectiveWeights"] as? [String: [String: NSNumber]])?["margin"]
            #expect(effective?["collaborative"]?.doubleValue == 0.5 && effective?["margin"]?.doubleValue ?? 0 > 0.29, "\(Self.text(home.body))")
            #expect(try await Self.recommend(b, "strategy-shopper-1").items == 5)
        }

        private func settingsReachTheOtherGateway(_ a: PublicAPIClient, _ b: PublicAPIClient, keyID: String) async throws {
            let put = try await a.send(
                .PUT, "/v1/strategies/home_for_you",
                json: #"{"strategy":"margin","k":3,"weights":{"margin":{"margin":0.6}},"note":"summer: fewer, higher-margin picks"}"#
            )
            let answered = ContinuousClock.now
            #expect(put.status == 200, "\(Self.text(put.body))")
            let saved = Self.json(put.body)
            let version = Self.version(put.body)
            #expect(saved["k"] as? NSNumber == 3 && saved["strategy"] as? String == "margin" && saved["updatedBy"] as? String == keyID)
            let history = saved["history"] as? [[String: Any]] ?? []
            #expect(history.count == 1 && history.first?["updatedBy"] as? String == keyID, "\(history)")
            #expect(history.first?["changed"] as? [String] == ["strategy", "k", "weights.margin"])
            #expect(history.first?["note"] as? String == "summer: fewer, higher-margin picks")
            // Poll gateway B until it shows this version and answers with 3 margin items.
            var followed = false
            while !followed && ContinuousClock.now - answered < .seconds(10) {
                let shown = try await b.get("/v1/strategies/home_for_you")
                if Self.version(shown.body) == version {
                    let answer = try await Self.recommend(b, "strategy-shopper-1")
                    followed = answer.items == 3 && answer.strategy == "margin"
                }
                if !followed { try await Task.sleep(for: .milliseconds(20)) }
            }
            let took = ContinuousClock.now - answered
            #expect(followed, "gateway B never followed version \(version) of home_for_you's settings")
            #expect(took <= .seconds(2), "gateway B followed the new settings \(took) after gateway A answered the PUT")
            let shown = Self.json(try await b.get("/v1/strategies/home_for_you").body)
            #expect(((shown["history"] as? [[String: Any]])?.first?["updatedBy"] as? String) == keyID)
            #expect((shown["weights"] as? [String: [String: NSNumber]])?["margin"]?["margin"]?.doubleValue == 0.6)
            // The request's own fields win; other placements keep the built-in values.
            let own = try await Self.recommend(b, "strategy-shopper-1", extra: #","k":4,"strategy":"conversion""#)
            #expect(own.items == 4 && own.strategy == "conversion")
            #expect(try await Self.recommend(b, "strategy-shopper-1", placement: "post_order_email").items == 5)
        }

        private func refusals(_ cluster: TestCluster, _ a: PublicAPIClient, _ second: URL) async throws {
            let before = Self.version(try await a.get("/v1/strategies/home_for_you").body)
            let bad: [(String, String)] = [
                (#"{"k":0}"#, "k"), (#"{"k":51}"#, "k"), (#"{"maxCategoryShare":1.5}"#, "maxCategoryShare"),
                (#"{"strategy":"profit"}"#, "strategy"), (#"{"weights":{"conversoin":{"popularity":1}}}"#, "weights.conversoin"),
                (#"{"weights":{"stock":{"popularity":11}}}"#, "weights.stock.popularity"),
                ("{\"note\":\"\(String(repeating: "x", count: 513))\"}", "note"),
            ]
            for (body, field) in bad {
                let answer = try await a.send(.PUT, "/v1/strategies/home_for_you", json: body)
                #expect(answer.status == 400 && Self.errorField(answer.body) == field, "\(body): \(Self.text(answer.body))")
            }
            let unknown = try await a.get("/v1/strategies/front_page")
            #expect(unknown.status == 404 && Self.errorField(unknown.body) == "placement", "\(Self.text(unknown.body))")
            #expect(Self.text(unknown.body).contains("home_for_you"))
            #expect(try await a.send(.PUT, "/v1/strategies/front_page", json: "{}").status == 404)

            let storefront = try await AccessClusterTests.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["https://shop.example"]}"#)
            for gateway in [cluster.gatewayURL, second] {
                let client = Self.client(gateway, key: storefront.key)
                #expect(try await DurabilityClusterTests.waitUntil(.seconds(10)) { try await client.get("/v1/strategies").status != 401 })
                #expect(try await client.get("/v1/strategies").status == 403)
                #expect(try await client.send(.PUT, "/v1/strategies/home_for_you", json: #"{"k":1}"#).status == 403)
                #expect(try await client.send(.DELETE, "/v1/strategies/home_for_you").status == 403)
            }
            #expect(Self.version(try await a.get("/v1/strategies/home_for_you").body) == before, "a refused write changed the settings")
        }

        /// An experiment's variant values replace the saved settings, as they replace a request's.
        private func experimentsWinOverSettings(_ a: PublicAPIClient) async throws {
            let experiment = #"""
                {"placements":["home_for_you"],"objective":"clicks","allocation":"fixed",
                 "variants":[{"name":"two","share":0.5,"k":2},{"name":"also-two","share":0.5,"k":2}]}
                """#
            let put = try await a.send(.PUT, "/v1/experiments/short-lists", json: experiment)
            #expect(put.status == 201, "\(Self.text(put.body))")
            #expect(try await Self.recommend(a, "strategy-shopper-2").items == 2)
            #expect(try await a.send(.DELETE, "/v1/experiments/short-lists").status == 200)
            #expect(try await Self.recommend(a, "strategy-shopper-2").items == 3)
        }

        private func reset(_ a: PublicAPIClient, _ b: PublicAPIClient, keyID: String) async throws {
            let before = Self.version(try await a.get("/v1/strategies/home_for_you").body)
            let reset = try await a.send(.DELETE, "/v1/strategies/home_for_you")
            #expect(reset.status == 200, "\(Self.text(reset.body))")
            let shown = Self.json(reset.body)
            #expect(shown["k"] as? NSNumber == 5 && shown["strategy"] as? String == "conversion" && Self.version(reset.body) > before)
            let history = shown["history"] as? [[String: Any]] ?? []
            #expect(history.count == 2 && history.allSatisfy { $0["updatedBy"] as? String == keyID }, "\(history)")
            #expect(history.first?["changed"] as? [String] == ["strategy", "k", "weights.margin"])
            #expect(try await DurabilityClusterTests.waitUntil(.seconds(10)) { try await Self.recommend(b, "strategy-shopper-1").items == 5 })
        }
    }
}
