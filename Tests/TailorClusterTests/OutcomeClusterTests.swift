import Foundation
import NIOHTTP1
import TailorClient
import TailorProcess
import TailorTesting
import Testing

/// The outcome loop through real processes: experiments put through one gateway and
/// answered by another, outcome events attributed in the shopper partitions, and the
/// reports and results the shop reads back, across a node's SIGKILL and restart.
extension ProcessSuites {
@Suite("Outcomes: experiments, attribution and reports (processes)", .serialized)
struct OutcomeClusterTests {
    // MARK: 1. Reports after a SIGKILL

    /// One shopper's planned outcome story and what it should add to the report.
    struct Story {
        var batch: [[String: Any]]
        /// "experiment/variant" (both empty without an experiment) and the placement.
        var variantKey: String
        var placement: String
        var counts = Counts()
    }

    @Test("the report after a node's SIGKILL and restart counts exactly the acknowledged outcomes, by variant and by placement")
    func reportAfterKill() async throws {
        let cluster = try await TestCluster.start(extraNodeArguments: DurabilityClusterTests.nodeArguments)
        defer { cluster.stop() }
        let admin = cluster.client
        let put = try await Self.putExperiment(admin, "home-ab", Self.fixed("home_for_you", [
            ["name": "personalised", "share": 0.5], ["name": "control", "control": "popularity", "share": 0.5],
        ]))
        #expect(put.status == 201, "\(Self.text(put.body))")
        let (status, before) = try await Self.report(admin, groupBy: "placement")
        #expect(status == 200 && (before["rows"] as? [Any])?.isEmpty == true, "a fresh cluster reports outcomes: \(Self.text(before))")

        var stories: [Story] = []
        for index in 0..<36 { stories.append(try await story(index, admin)) }
        // Half before the kill, the rest while n2 is dead (retried until acknowledged,
        // as a shop's client does), then n2 comes back from its store.
        var unacknowledged: [Int] = []
        for (index, story) in stories.enumerated() {
            if index == 18 { cluster.kill("n2") }
            if !(try await Self.deliver(admin, story.batch)) { unacknowledged.append(index) }
        }
        #expect(unacknowledged.isEmpty, "batches never acknowledged: \(unacknowledged)")
        let acknowledged = stories.enumerated().filter { !unacknowledged.contains($0.offset) }.map(\.element)
        try cluster.restart("n2")
        let back = try await DurabilityClusterTests.waitUntil(.seconds(60)) {
            guard let n2 = try await DurabilityClusterTests.holdings(cluster)["n2"] else { return false }
            return !n2.held.isEmpty && n2.incomplete.isEmpty
        }
        #expect(back, "n2 did not come back with complete replicas")
        // A retry of an acknowledged batch after the restart counts nothing twice.
        #expect(try await Self.deliver(admin, stories[0].batch))

        var byVariant: [String: Counts] = [:]
        var byPlacement: [String: Counts] = [:]
        for story in acknowledged {
            byVariant[story.variantKey, default: Counts()].add(story.counts)
            byPlacement[story.placement, default: Counts()].add(story.counts)
        }
        var differences: [String] = ["not read yet"]
        var lastComplete = false
        let matched = try await DurabilityClusterTests.waitUntil(.seconds(30)) {
            let (variantStatus, variants) = try await Self.report(admin, groupBy: "variant")
            let (placementStatus, placements) = try await Self.report(admin, groupBy: "placement")
            lastComplete = variants["complete"] as? Bool == true && placements["complete"] as? Bool == true
            differences = Self.differences(Self.rows(variants) { "\($0["experiment"] as? String ?? "")/\($0["variant"] as? String ?? "")" }, byVariant)
                + Self.differences(Self.rows(placements) { $0["placement"] as? String ?? "" }, byPlacement)
            return variantStatus == 200 && placementStatus == 200 && lastComplete && differences.isEmpty
        }
        if !matched { cluster.printLogs() }
        #expect(matched, "complete: \(lastComplete); the report differs from the acknowledged events: \(differences)")
        // Stable: read again, the same numbers.
        let (_, again) = try await Self.report(admin, groupBy: "placement")
        #expect(Self.differences(Self.rows(again) { $0["placement"] as? String ?? "" }, byPlacement).isEmpty)
        // The expectation itself is what the rules say: every pattern of 6 shoppers adds
        // 5 shown recommendations, 3 clicks, 1 add-to-cart and 4 attributed purchases.
        let total = byPlacement.values.reduce(into: Counts()) { $0.add($1) }
        #expect(total.impressions == 30 && total.clicks == 18 && total.addToCarts == 6 && total.purchases == 24, "\(total)")
    }

    /// Shopper `index`'s recommendation and events (pattern `index % 6`), with the cells
    /// they should add to: click-through, view-through, an unattributable purchase, a
    /// click without purchase, a purchase naming its recommendation itself (without an
    /// impression), and click-through on a placement without an experiment.
    private func story(_ index: Int, _ client: PublicAPIClient) async throws -> Story {
        let shopper = "outcome-\(index)"
        let pattern = index % 6
        let placement = pattern == 5 ? "product_similar" : "home_for_you"
        let answer = try await Self.recommend(client, shopper, placement, context: pattern == 5 ? ["product": "p00001"] : nil)
        let recommendation = answer["recommendationId"] as? String ?? ""
        let items = Self.products(of: answer)
        #expect(items.count >= 3 && !recommendation.isEmpty, "\(shopper): \(Self.text(answer))")
        let positions = (answer["items"] as? [[String: Any]] ?? []).map { $0["position"] as? Int ?? 0 }
        #expect(positions == positions.indices.map { $0 + 1 }, "\(shopper): positions \(positions)")
        guard items.count >= 3 else { return Story(batch: [], variantKey: "", placement: placement) }
        let shown = Array(items.prefix(3))
        let t = Self.nowSeconds
        var story = Story(
            batch: [], variantKey: "\(answer["experiment"] as? String ?? "")/\(answer["variant"] as? String ?? "")", placement: placement
        )
        func impression() {
            story.batch.append(Self.event("\(shopper)-imp", "impression", shopper, shown, at: t, recommendation: recommendation))
            story.counts.impressions = 1
        }
        func purchase(_ product: String, quantity: Int, price: Double, attributed: Bool, at offset: Int64, naming: Bool = false) async throws {
            story.batch.append(Self.event(
                "\(shopper)-buy", "purchase", shopper, [product], at: t + offset, recommendation: naming ? recommendation : nil,
                quantity: quantity, price: price
            ))
            guard attributed else { return }
            let cost = try await Self.catalogEntry(client, product).cost
            #expect(cost != nil, "the demo product \(product) has no cost")
            story.counts.purchases += 1
            story.counts.revenue += price * Double(quantity)
            story.counts.margin += (price - (cost ?? price)) * Double(quantity)
        }
        switch pattern {
        case 0:
            impression()
            if index % 12 == 0 {
                // A second impression event of the same recommendation: still one shown.
                story.batch.append(Self.event("\(shopper)-imp2", "impression", shopper, [shown[0]], at: t, recommendation: recommendation))
            }
            story.batch.append(Self.event("\(shopper)-click", "click", shopper, [shown[0]], at: t + 1, recommendation: recommendation))
            story.batch.append(Self.event("\(shopper)-cart", "add_to_cart", shopper, [shown[0]], at: t + 2, recommendation: recommendation))
            story.counts.clicks = 1
            story.counts.addToCarts = 1
            try await purchase(shown[0], quantity: 2, price: 19.5, attributed: true, at: 3)
        case 1:
            impression()
            try await purchase(shown[1], quantity: 1, price: 7.25, attributed: true, at: 5)
        case 2:
            impression()
            let other = ["p00002", "p00003", "p00004", "p00005"].first(where: { !items.contains($0) })!
            try await purchase(other, quantity: 1, price: 30, attributed: false, at: 5)
        case 3:
            impression()
            story.batch.append(Self.event("\(shopper)-click", "click", shopper, [shown[2]], at: t + 1, recommendation: recommendation))
            story.counts.clicks = 1
        case 4:
            try await purchase(shown[0], quantity: 3, price: 4, attributed: true, at: 2, naming: true)
        default:
            impression()
            story.batch.append(Self.event("\(shopper)-click", "click", shopper, [shown[1]], at: t + 1, recommendation: recommendation))
            story.counts.clicks = 1
            try await purchase(shown[1], quantity: 1, price: 12, attributed: true, at: 3)
        }
        return story
    }

    // MARK: 2, 5, 6. Two gateways: bandits, assignment and controls

    @Test("two gateways: equal bandit posteriors and allocations, sticky assignment, holdout and popularity controls")
    func twoGateways() async throws {
        let cluster = try await TestCluster.start(extraNodeArguments: DurabilityClusterTests.nodeArguments)
        defer { cluster.stop() }
        let second = try await cluster.startGateway("gateway-b")
        let gateways = [cluster.client, Self.client(second, key: cluster.credentials.adminKey)]
        try await banditPosteriorsAgree(gateways)
        try await assignmentIsSticky(gateways)
        try await controlsAnswerAsConfigured(gateways)
    }

    /// Waits until gateway `client` answers `placement` under `experiment` (it learns experiments from the nodes).
    private func waitForExperiment(_ experiment: String, on client: PublicAPIClient, _ placement: String, context: [String: Any]? = nil) async throws -> Bool {
        try await DurabilityClusterTests.waitUntil(.seconds(15)) {
            var body: [String: Any] = ["user": "probe", "placement": placement]
            if let context { body["context"] = context }
            let (status, data) = try await client.send(.POST, "/v1/recommendations", json: Self.text(body))
            return status == 200 && Self.json(data)["experiment"] as? String == experiment
        }
    }

    private func banditPosteriorsAgree(_ gateways: [PublicAPIClient]) async throws {
        let put = try await Self.putExperiment(gateways[0], "home-bandit", [
            "placements": ["home_for_you"], "objective": "clicks", "allocation": "bandit", "warmUp": 5,
            "variants": [["name": "personalised"], ["name": "popular", "control": "popularity"]],
        ])
        #expect(put.status == 201, "\(Self.text(put.body))")
        #expect(try await waitForExperiment("home-bandit", on: gateways[1], "home_for_you"), "gateway B never answered under the bandit")
        // Traffic through both gateways: each shopper's recommendation shown; the
        // personalised variant clicked more often than the popular one.
        var impressions = 0
        var clicks = 0
        for index in 0..<60 {
            let client = gateways[index % 2]
            let shopper = "bandit-\(index)"
            let answer = try await Self.recommend(client, shopper, "home_for_you")
            guard let recommendation = answer["recommendationId"] as? String, let variant = answer["variant"] as? String else {
                Issue.record("no recommendationId or variant for \(shopper): \(Self.text(answer))")
                continue
            }
            let shown = Array(Self.products(of: answer).prefix(2))
            let t = Self.nowSeconds
            var batch = [Self.event("\(shopper)-imp", "impression", shopper, shown, at: t, recommendation: recommendation)]
            let clicked = variant == "personalised" ? index % 3 != 0 : index % 5 == 0
            if clicked, let first = shown.first {
                batch.append(Self.event("\(shopper)-click", "click", shopper, [first], at: t + 1, recommendation: recommendation))
            }
            // Retried until acknowledged, as a shop's client does: a batch refused with a
            // 503 (a busy machine's write quorum) may still be stored on one replica.
            let delivered = try await Self.deliver(client, batch)
            #expect(delivered, "the events of \(shopper) were never acknowledged")
            guard delivered else { continue }
            impressions += 1
            if batch.count == 2 { clicks += 1 }
        }
        // After the traffic: both gateways read the same durable counts with the same seeds.
        var views: [String] = []
        let agreed = try await DurabilityClusterTests.waitUntil(.seconds(20)) {
            views = []
            for client in gateways {
                let (status, data) = try await client.get("/v1/experiments/home-bandit")
                let experiment = Self.json(data)
                let results = experiment["results"] as? [String: Any] ?? [:]
                let variants = (results["variants"] as? [[String: Any]] ?? []).map { variant -> [String: Any] in
                    ["name": variant["name"] ?? "", "metrics": variant["metrics"] ?? [:], "probabilityToBeBest": variant["probabilityToBeBest"] ?? -1]
                }
                let shown = variants.reduce(0) { $0 + (($1["metrics"] as? [String: Any])?["impressions"] as? Int ?? 0) }
                let clicked = variants.reduce(0) { $0 + (($1["metrics"] as? [String: Any])?["clicks"] as? Int ?? 0) }
                let allocation = results["allocation"] as? [String: Any] ?? [:]
                guard status == 200, experiment["countsComplete"] as? Bool == true, shown == impressions, clicked == clicks,
                      (allocation[""] as? [String: Any])?.count == 2
                else {
                    views.append("not yet: status \(status), \(shown) of \(impressions) impressions, \(clicked) of \(clicks) clicks, allocation \(Self.text(allocation))")
                    return false
                }
                views.append(Self.text(["allocation": allocation, "variants": variants]))
            }
            return views[0] == views[1]
        }
        #expect(agreed, "the gateways' results differ:\nA: \(views.first ?? "")\nB: \(views.dropFirst().first ?? "")")
    }

    private func assignmentIsSticky(_ gateways: [PublicAPIClient]) async throws {
        let put = try await Self.putExperiment(gateways[0], "similar-ab", Self.fixed("product_similar", [
            ["name": "personalised", "share": 0.5], ["name": "control", "control": "popularity", "share": 0.5],
        ]))
        #expect(put.status == 201, "\(Self.text(put.body))")
        let page: [String: Any] = ["product": "p00001"]
        #expect(try await waitForExperiment("similar-ab", on: gateways[1], "product_similar", context: page))
        var counts: [String: Int] = [:]
        var unstable: [String] = []
        for index in 0..<200 {
            let shopper = "sticky-\(index)"
            let variant = try await Self.recommend(gateways[0], shopper, "product_similar", context: page, k: 3)["variant"] as? String ?? "none"
            counts[variant, default: 0] += 1
            guard index < 40 else { continue }
            for client in [gateways[0], gateways[1], gateways[1]] {
                let again = try await Self.recommend(client, shopper, "product_similar", context: page, k: 3)["variant"] as? String ?? "none"
                if again != variant { unstable.append("\(shopper): \(variant) then \(again)") }
            }
        }
        #expect(unstable.isEmpty, "assignment changed between requests or gateways: \(unstable.prefix(5))")
        #expect(Set(counts.keys) == ["personalised", "control"], "\(counts)")
        // 50/50 over 200 shoppers: outside 60–140 has a probability below 1e-8.
        #expect((60...140).contains(counts["personalised"] ?? 0), "\(counts)")
    }

    private func controlsAnswerAsConfigured(_ gateways: [PublicAPIClient]) async throws {
        let put = try await Self.putExperiment(gateways[0], "cart-controls", Self.fixed("cart_addons", [
            ["name": "holdout", "control": "holdout", "share": 0.5], ["name": "popular", "control": "popularity", "share": 0.5],
        ]))
        #expect(put.status == 201, "\(Self.text(put.body))")
        #expect(try await waitForExperiment("cart-controls", on: gateways[1], "cart_addons"))
        var seen: Set<String> = []
        for index in 0..<40 where seen.count < 2 {
            let shopper = "control-\(index)"
            // History that a personalised answer would use.
            #expect(try await Self.deliver(gateways[0], [Self.event("\(shopper)-view", "view", shopper, ["p00002"], at: Self.nowSeconds)]))
            let answer = try await Self.recommend(gateways[index % 2], shopper, "cart_addons", context: ["cart": ["p00003"]])
            let variant = answer["variant"] as? String ?? "none"
            seen.insert(variant)
            let items = answer["items"] as? [Any]
            let recommendation = answer["recommendationId"] as? String ?? ""
            #expect(answer["experiment"] as? String == "cart-controls", "\(Self.text(answer))")
            #expect(!recommendation.isEmpty, "no recommendationId: \(Self.text(answer))")
            switch variant {
            case "holdout":
                #expect(items?.isEmpty == true, "a holdout answered items: \(Self.text(answer))")
                // The holdout's answer is still a recommendation the storefront reports.
                let shown = try await Self.deliver(
                    gateways[0], [Self.event("\(shopper)-imp", "impression", shopper, [], at: Self.nowSeconds, recommendation: recommendation)]
                )
                #expect(shown, "the holdout's impression was never acknowledged")
            case "popular":
                #expect(answer["personalized"] as? Bool == false, "a popularity control answered personalised: \(Self.text(answer))")
                #expect(items?.isEmpty == false, "a popularity control answered no items")
            default:
                Issue.record("variant \(variant): \(Self.text(answer))")
            }
        }
        #expect(seen == ["holdout", "popular"], "\(seen)")
    }
}
}

extension ProcessSuites.OutcomeClusterTests.Counts {
    mutating func add(_ other: Self) {
        impressions += other.impressions
        clicks += other.clicks
        addToCarts += other.addToCarts
        purchases += other.purchases
        revenue += other.revenue
        margin += other.margin
    }
}
