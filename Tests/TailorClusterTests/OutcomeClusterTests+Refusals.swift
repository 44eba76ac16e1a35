import Foundation
import NIOHTTP1
import TailorClient
import TailorTesting
import Testing

/// What the outcome loop refuses, and to whom: each refusal names the field, and
/// nothing of a refused request is stored.
extension ProcessSuites.OutcomeClusterTests {
    // MARK: 3. Bad input

    @Test("bad experiments, policies, recommendation ids and report queries: a 4xx naming the field, and nothing stored")
    func badInput() async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        let admin = cluster.client
        let first = try await Self.putExperiment(admin, "first", Self.fixed("home_for_you", [
            ["name": "a", "share": 0.5], ["name": "b", "share": 0.5],
        ]))
        #expect(first.status == 201, "\(Self.text(first.body))")

        let two: [[String: Any]] = [["name": "a", "share": 0.5], ["name": "b", "share": 0.5]]
        let refusals: [(what: String, body: [String: Any], status: Int, field: String)] = [
            ("shares adding up to 1.1", Self.fixed("cart_addons", [["name": "a", "share": 0.5], ["name": "b", "share": 0.6]]), 400, "variants"),
            ("a fixed variant without share", Self.fixed("cart_addons", [["name": "a", "share": 1.0], ["name": "b"]]), 400, "variants[1].share"),
            ("a bandit with shares", [
                "placements": ["cart_addons"], "objective": "clicks", "allocation": "bandit", "variants": two,
            ], 400, "variants[0].share"),
            ("two variants named alike", Self.fixed("cart_addons", [["name": "a", "share": 0.5], ["name": "a", "share": 0.5]]), 400, "variants[1].name"),
            ("an unknown placement", Self.fixed("front_page", two), 400, "placements[0]"),
            ("an unknown objective", Self.fixed("cart_addons", two, objective: "likes"), 400, "objective"),
            ("a placement another experiment runs on", Self.fixed("home_for_you", two), 409, "placements"),
        ]
        for refusal in refusals {
            let (status, body) = try await Self.putExperiment(admin, "bad", refusal.body)
            #expect(status == refusal.status && Self.errorField(body) == refusal.field, "\(refusal.what): \(status) \(Self.text(body))")
            #expect(try await admin.get("/v1/experiments/bad").status == 404, "\(refusal.what): stored anyway")
        }
        let (_, list) = try await admin.get("/v1/experiments")
        let listed = (Self.json(list)["experiments"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(listed == ["first"], "\(listed)")

        let policy = try await admin.get("/v1/experiments/first/counterfactual?policy=nope")
        #expect(policy.status == 400 && Self.errorField(policy.body) == "policy", "\(policy.status) \(Self.text(policy.body))")
        let known = try await admin.get("/v1/experiments/first/counterfactual?policy=a")
        #expect(known.status == 200, "\(known.status) \(Self.text(known.body))")
        #expect(try await admin.get("/v1/experiments/nope").status == 404)

        try await refusedEventsStoreNothing(admin)

        for (query, field) in [("groupBy=color", "groupBy"), ("from=2026-03-02&to=2026-03-01", "from")] {
            let (status, body) = try await admin.get("/v1/reports/recommendations?\(query)")
            #expect(status == 400 && Self.errorField(body) == field, "\(query): \(status) \(Self.text(body))")
        }
    }

    /// A batch naming a recommendation id the cluster did not make is refused whole;
    /// the same valid event alone is then counted (so the report would have shown it).
    private func refusedEventsStoreNothing(_ admin: PublicAPIClient) async throws {
        let answer = try await Self.recommend(admin, "refused", "home_for_you")
        let recommendation = answer["recommendationId"] as? String ?? ""
        #expect(!recommendation.isEmpty)
        // One character changed in the middle: it still reads as an id, but its MAC does not match.
        var tampered = Array(recommendation)
        if !tampered.isEmpty { tampered[tampered.count / 2] = tampered[tampered.count / 2] == "A" ? "B" : "A" }
        let valid = Self.event("refused-imp", "impression", "refused", ["p00001"], at: Self.nowSeconds, recommendation: recommendation)
        for forged in ["not-a-recommendation", String(tampered)] {
            let batch = [
                Self.event("refused-click", "click", "refused", ["p00001"], at: Self.nowSeconds, recommendation: forged), valid,
            ]
            let (status, body) = try await Self.events(admin, batch)
            #expect(status == 400 && Self.errorField(body) == "events[0].recommendationId", "\(forged): \(status) \(Self.text(body))")
        }
        let missing = try await Self.events(admin, [Self.event("bare-imp", "impression", "refused", ["p00001"], at: Self.nowSeconds)])
        #expect(missing.status == 400 && Self.errorField(missing.body) == "events[0].recommendationId", "\(missing.status) \(Self.text(missing.body))")

        let (status, report) = try await Self.report(admin, groupBy: "placement")
        #expect(status == 200 && (report["totals"] as? [String: Any])?["impressions"] as? Int == 0, "refused events counted: \(Self.text(report))")
        #expect(try await Self.deliver(admin, [valid]), "the valid impression was never acknowledged")
        let counted = try await ProcessSuites.DurabilityClusterTests.waitUntil(.seconds(10)) {
            try await (Self.report(admin, groupBy: "placement").report["totals"] as? [String: Any])?["impressions"] as? Int == 1
        }
        #expect(counted, "the accepted impression never showed in the report")
    }

    // MARK: 4. Roles

    @Test("a public key may not write experiments or read reports (403, nothing stored); a private key may")
    func roles() async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        let publicKey = try await ProcessSuites.AccessClusterTests.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["https://shop.example"]}"#)
        let privateKey = try await ProcessSuites.AccessClusterTests.makeKey(cluster, #"{"role":"private","name":"merchandising"}"#)
        let storefront = cluster.client(key: publicKey.key)
        let shop = cluster.client(key: privateKey.key)
        let body = Self.fixed("home_for_you", [["name": "a", "share": 0.5], ["name": "b", "share": 0.5]])

        let refused = try await Self.putExperiment(storefront, "by-storefront", body)
        #expect(refused.status == 403 && Self.errorField(refused.body) == "role", "\(refused.status) \(Self.text(refused.body))")
        #expect(try await cluster.client.get("/v1/experiments/by-storefront").status == 404, "the refused experiment was stored")
        for path in ["/v1/reports/recommendations", "/v1/experiments", "/v1/experiments/by-storefront"] {
            #expect(try await storefront.get(path).status == 403, "\(path) with a public key")
        }
        // The storefront still sends what it shows.
        let answer = try await Self.recommend(storefront, "role-shopper", "home_for_you")
        let shown = try await Self.events(storefront, [
            Self.event("role-imp", "impression", "role-shopper", [], at: Self.nowSeconds, recommendation: answer["recommendationId"] as? String ?? ""),
        ])
        #expect(shown.status == 200, "\(Self.text(shown.body))")

        let made = try await Self.putExperiment(shop, "by-shop", body)
        #expect(made.status == 201, "\(Self.text(made.body))")
        #expect(try await shop.get("/v1/experiments/by-shop").status == 200)
        #expect(try await shop.get("/v1/reports/recommendations").status == 200)
        #expect(try await shop.send(HTTPMethod.DELETE, "/v1/experiments/by-shop").status == 200)
        #expect(try await shop.get("/v1/experiments/by-shop").status == 404)
    }
}
