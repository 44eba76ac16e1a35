import Foundation
import NIOHTTP1
import TailorClient
import TailorProcess
import TailorTesting
import Testing

/// Decisions on a real cluster (three nodes, the small demo shop) with two gateways:
/// the demo's journey, segment membership reaching the other gateway, a capped
/// treatment shown (the storefront's impression through one gateway) not decided again
/// through the other, and a decision point run as an experiment.
extension ProcessSuites {
    @Suite("Decisions: segments, caps across gateways, experiment-backed points (processes)", .serialized)
    struct DecisionClusterTests {
        static func json(_ data: Data) -> [String: Any] { DurabilityClusterTests.json(data) }
        static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

        static func client(_ gateway: URL, key: String) -> PublicAPIClient {
            var client = PublicAPIClient(gateway: gateway.absoluteString)!.authorized(key)
            client.timeout = .seconds(10)
            return client
        }

        /// `POST /v1/decisions` for `points`; the answer's decisions by point.
        static func decide(
            _ client: PublicAPIClient, _ shopper: String, _ points: [String], context: String = "{}"
        ) async throws -> (body: [String: Any], byPoint: [String: [String: Any]]) {
            let names = points.map { "\"\($0)\"" }.joined(separator: ",")
            let (status, data) = try await client.send(.POST, "/v1/decisions", json: #"{"user":"\#(shopper)","points":[\#(names)],"k":4,"context":\#(context)}"#)
            #expect(status == 200, "\(text(data))")
            let body = json(data)
            let decisions = body["decisions"] as? [[String: Any]] ?? []
            return (body, Dictionary(uniqueKeysWithValues: decisions.map { ($0["point"] as? String ?? "", $0) }))
        }

        static func treatment(_ decision: [String: Any]?) -> String? { (decision?["treatment"] as? [String: Any])?["id"] as? String }

        @Test("the demo's journey decides a page; membership reaches the other gateway within 2 s; caps hold across gateways; an experiment runs a point")
        func decisions() async throws {
            let cluster = try await TestCluster.start()
            defer { cluster.stop() }
            do {
                let second = try await cluster.startGateway("gateway-b")
                let a = cluster.client
                let b = Self.client(second, key: cluster.credentials.adminKey)
                try await demoJourney(a)
                try await membershipReachesTheOtherGateway(a, b)
                try await segmentOverridesRecommendations(a, b)
                try await capsAcrossGateways(a, b)
                try await experimentOnAPoint(a, b)
            } catch {
                cluster.printLogs()
                throw error
            }
        }

        /// The guide's page for a first-time mobile visitor from Google Shopping at 19:45
        /// who is about to leave: every point answered, the product feed filled.
        private func demoJourney(_ a: PublicAPIClient) async throws {
            let (status, data) = try await a.get("/v1/decision-points")
            #expect(status == 200, "\(Self.text(data))")
            let ids = Set((Self.json(data)["decisionPoints"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            #expect(ids.isSuperset(of: ["homepage_variant", "hero", "discount_offer", "exit_offer"]), "\(ids)")
            let page = try await Self.decide(
                a, "first-visit-1", ["homepage_variant", "hero", "discount_offer", "exit_offer", "home_for_you"],
                context: #"{"device":"mobile","source":"google_shopping","localHour":19,"exitIntent":true}"#
            )
            #expect(page.body["segments"] as? [String] == ["new"], "\(page.body)")
            #expect(Self.treatment(page.byPoint["homepage_variant"]) == "discovery_home")
            #expect(Self.treatment(page.byPoint["hero"]) == "welcome_bestsellers")
            #expect(Self.treatment(page.byPoint["exit_offer"]) == "welcome_ten")
            #expect(page.byPoint["discount_offer"]?["treatment"] == nil, "no discount for a first page view")
            #expect((page.byPoint["exit_offer"]?["why"] as? String)?.contains("'new'") == true)
            let feed = (page.body["recommendations"] as? [[String: Any]])?.first
            #expect(feed?["placement"] as? String == "home_for_you")
            #expect((feed?["items"] as? [Any])?.count == 4)
        }

        /// A new segment written through A: B's answer for a shopper in it names it
        /// within 2 s of A's answer.
        private func membershipReachesTheOtherGateway(_ a: PublicAPIClient, _ b: PublicAPIClient) async throws {
            let put = try await a.send(.PUT, "/v1/segments/evening_mobile", json: #"{"rule":"device == 'mobile' and local_hour >= 18","priority":1}"#)
            let answered = ContinuousClock.now
            #expect(put.status == 201, "\(Self.text(put.body))")
            var inIt = false
            while !inIt && ContinuousClock.now - answered < .seconds(10) {
                let (_, data) = try await b.get("/v1/shoppers/u00007/segments?device=mobile&localHour=20")
                let segments = Self.json(data)["segments"] as? [[String: Any]] ?? []
                inIt = segments.first?["id"] as? String == "evening_mobile"
                if inIt {
                    let why = segments.first?["why"] as? [String: Any] ?? [:]
                    #expect(why["device"] as? String == "mobile" && (why["local_hour"] as? NSNumber)?.intValue == 20, "\(why)")
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let took = ContinuousClock.now - answered
            print("DecisionClusterTests: the new segment's membership reached gateway B \(took) after the rule was written on gateway A")
            #expect(inIt, "gateway B never put the shopper in the new segment")
            #expect(took <= .seconds(2), "membership reached gateway B \(took) after the rule was written on A")
        }

        /// A segment's recommendation override applies to its members' plain
        /// recommendation requests, through either gateway, and to nobody else's; a
        /// request's own strategy wins over it.
        private func segmentOverridesRecommendations(_ a: PublicAPIClient, _ b: PublicAPIClient) async throws {
            let put = try await a.send(
                .PUT, "/v1/segments/evening_mobile",
                json: #"{"rule":"device == 'mobile' and local_hour >= 18","priority":1,"recommendations":{"strategy":"margin"}}"#
            )
            #expect(put.status == 200, "\(Self.text(put.body))")
            func strategy(_ client: PublicAPIClient, _ body: String) async throws -> String? {
                let (status, data) = try await client.send(.POST, "/v1/recommendations", json: body)
                #expect(status == 200, "\(Self.text(data))")
                return Self.json(data)["strategy"] as? String
            }
            let member = #"{"user":"u00011","placement":"home_for_you","context":{"device":"mobile","localHour":21}}"#
            try await waitUntil("gateway B answers members with the segment's strategy") { try await strategy(b, member) == "margin" }
            #expect(try await strategy(a, member) == "margin")
            #expect(try await strategy(a, #"{"user":"u00011","placement":"home_for_you","context":{"device":"desktop","localHour":21}}"#) == "conversion")
            #expect(try await strategy(a, #"{"user":"u00011","placement":"home_for_you","strategy":"stock","context":{"device":"mobile","localHour":21}}"#) == "stock")
        }

        /// A treatment capped at once a day, shown through A, is not shown through B.
        private func capsAcrossGateways(_ a: PublicAPIClient, _ b: PublicAPIClient) async throws {
            let point = #"""
                {"treatments":[{"id":"coupon","payload":{"code":"ONCE"},"cap":{"times":1,"windowSeconds":86400}},{"id":"plain","payload":null}],
                 "rules":[{"segment":"evening_mobile","treatment":"coupon"}],"default":"plain"}
                """#
            let put = try await a.send(.PUT, "/v1/decision-points/evening_coupon", json: point)
            #expect(put.status == 201, "\(Self.text(put.body))")
            try await waitUntil("gateway B knows the decision point") { try await b.get("/v1/decision-points/evening_coupon").status == 200 }
            let context = #"{"device":"mobile","localHour":21}"#
            let first = try await Self.decide(a, "capped-1", ["evening_coupon"], context: context)
            #expect(Self.treatment(first.byPoint["evening_coupon"]) == "coupon", "\(first.body)")
            let decisionID = first.byPoint["evening_coupon"]?["decisionId"] as? String ?? ""
            // Decided but not yet shown: the cap is not used up.
            let notShown = try await Self.decide(b, "capped-1", ["evening_coupon"], context: context)
            #expect(Self.treatment(notShown.byPoint["evening_coupon"]) == "coupon", "\(notShown.body)")
            // The storefront shows it and says so through gateway A; gateway B's next decision passes it over.
            try await Self.shown(a, "capped-1", decisionID)
            let again = try await Self.decide(b, "capped-1", ["evening_coupon"], context: context)
            #expect(Self.treatment(again.byPoint["evening_coupon"]) == "plain", "\(again.body)")
            #expect((again.byPoint["evening_coupon"]?["why"] as? String)?.contains("'coupon' is capped") == true)
            // Another shopper is not capped by this one's exposure.
            let other = try await Self.decide(b, "capped-2", ["evening_coupon"], context: context)
            #expect(Self.treatment(other.byPoint["evening_coupon"]) == "coupon")
        }

        /// The storefront's impression of a decision (`recommendationId` = its decision id).
        static func shown(_ client: PublicAPIClient, _ shopper: String, _ decisionID: String) async throws {
            let (status, data) = try await client.send(
                .POST, "/v1/events", json: #"{"events":[{"type":"impression","user":"\#(shopper)","recommendationId":"\#(decisionID)"}]}"#
            )
            #expect(status == 200, "\(text(data))")
        }

        /// An experiment on a point: each shopper keeps their variant, both variants
        /// run, and the decisions count as the experiment's impressions.
        private func experimentOnAPoint(_ a: PublicAPIClient, _ b: PublicAPIClient) async throws {
            let experiment = #"""
                {"points":["evening_coupon"],"objective":"conversions","allocation":"fixed",
                 "variants":[{"name":"coupon","share":0.5},{"name":"plain","share":0.5}]}
                """#
            let put = try await a.send(.PUT, "/v1/experiments/coupon-test", json: experiment)
            #expect(put.status == 201, "\(Self.text(put.body))")
            try await waitUntil("gateway B runs the experiment") { try await b.get("/v1/experiments/coupon-test").status == 200 }
            var variants: [String: String] = [:]
            for index in 0..<24 {
                let shopper = "exp-\(index)"
                let decided = try await Self.decide(index % 2 == 0 ? a : b, shopper, ["evening_coupon"])
                let decision = decided.byPoint["evening_coupon"]
                #expect(decision?["experiment"] as? String == "coupon-test")
                variants[shopper] = decision?["variant"] as? String
                #expect(Self.treatment(decision) == variants[shopper], "the variant is the treatment")
                try await Self.shown(index % 2 == 0 ? b : a, shopper, decision?["decisionId"] as? String ?? "")
            }
            #expect(Set(variants.values) == ["coupon", "plain"], "\(variants)")
            let sticky = try await Self.decide(b, "exp-0", ["evening_coupon"])
            #expect(sticky.byPoint["evening_coupon"]?["variant"] as? String == variants["exp-0"])
            // The storefront reported each decision shown: the results count them per variant.
            try await waitUntil("the experiment's results count the decisions' impressions") {
                let (_, data) = try await a.get("/v1/experiments/coupon-test")
                let results = Self.json(data)["results"] as? [String: Any]
                let impressions = (results?["variants"] as? [[String: Any]] ?? []).compactMap {
                    (($0["metrics"] as? [String: Any])?["impressions"] as? NSNumber)?.intValue
                }
                return impressions.reduce(0, +) >= 24
            }
            // A click on the treatment (a banner: no product) names the decision and counts for its variant.
            let clicked = try await Self.decide(a, "exp-click", ["evening_coupon"])
            let clickedVariant = clicked.byPoint["evening_coupon"]?["variant"] as? String
            let click = try await a.send(
                .POST, "/v1/events",
                json: #"{"events":[{"type":"click","user":"exp-click","recommendationId":"\#(clicked.byPoint["evening_coupon"]?["decisionId"] as? String ?? "")"}]}"#
            )
            #expect(click.status == 200, "\(Self.text(click.body))")
            try await waitUntil("the experiment's results count the click on its variant") {
                let (_, data) = try await a.get("/v1/experiments/coupon-test")
                let results = Self.json(data)["results"] as? [String: Any]
                let clicks = (results?["variants"] as? [[String: Any]] ?? []).filter { $0["name"] as? String == clickedVariant }.compactMap {
                    (($0["metrics"] as? [String: Any])?["clicks"] as? NSNumber)?.intValue
                }
                return clicks.first == 1
            }
        }

        private func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                if try await condition() { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("timed out waiting until \(what)")
        }
    }
}
