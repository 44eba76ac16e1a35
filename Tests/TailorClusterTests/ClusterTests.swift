import Foundation
import TailorDemo
import TailorModel
import Testing
import TailorTesting

/// The cluster end to end, through the public API, with real processes talking
/// HTTP/2 to each other on real sockets.
extension ProcessSuites {
@Suite("Cluster (3 nodes and a gateway as processes)", .serialized)
struct ClusterTests {
    static let shop = DemoShop(configuration: .small)

    private func recommend(_ cluster: TestCluster, _ request: RecommendationRequest) async throws -> RecommendationResponse {
        let (status, data) = try await cluster.post("/v1/recommendations", request)
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        return try JSONDecoder().decode(RecommendationResponse.self, from: data)
    }

    private func send(_ cluster: TestCluster, _ events: [ShopperEvent]) async throws {
        let (status, data) = try await cluster.post("/v1/events", EventBatch(events: events))
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
    }

    @Test("a shopper's views, stock, purchases and the page's product steer the answers")
    func behaviour() async throws {
        let cluster = try await TestCluster.start()
        defer { cluster.stop() }
        do {
            try await checkBehaviour(cluster)
        } catch {
            cluster.printLogs()
            throw error
        }
    }

    private func checkBehaviour(_ cluster: TestCluster) async throws {
        // The cluster view lists every node as up, with the shard map.
        for _ in 0..<5 {
            let (status, data) = try await cluster.get("/v1/cluster")
            #expect(status == 200)
            let view = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let members = view?["members"] as? [[String: Any]] ?? []
            #expect(members.map { $0["state"] as? String } == ["up", "up", "up"])
            #expect((view?["partitions"] as? [Any])?.count == 64)
        }

        // Each node's internal port speaks HTTP/2 to an independent client, and refuses
        // it: the call is not signed with the cluster secret (401 before any handler).
        for (name, port) in cluster.nodePorts {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-s", "--http2-prior-knowledge", "-w", " %{http_version} %{http_code}", "http://127.0.0.1:\(port)/internal/ping"]
            let output = Pipe()
            curl.standardOutput = output
            try curl.run()
            curl.waitUntilExit()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(text.contains("unsigned internal call") && text.hasSuffix(" 2 401"), "\(name): \(text)")
        }

        // A new shopper views five products of one leaf category.
        let products = Self.shop.products
        let category = products[17].category
        let viewed = products.filter { $0.category == category }.prefix(5)
        #expect(viewed.count == 5)
        let shopper = "test-shopper-\(UUID().uuidString.prefix(8))"
        try await send(cluster, viewed.enumerated().map { index, product in
            ShopperEvent(id: "\(shopper)-view-\(index)", type: .view, shopper: shopper, session: "s1", product: product.id)
        })
        var answer = try await recommend(cluster, RecommendationRequest(shopper: shopper, placement: .homeForYou, k: 5))
        #expect(answer.items.count == 5)
        #expect(answer.coverage.degraded == false)
        #expect(answer.items.first?.category == category, "top item \(answer.items.first?.category ?? "none"), expected \(category)")
        let department = category.components(separatedBy: " > ").first!
        #expect(answer.items.filter { $0.category.hasPrefix(department) }.count >= 3)
        for item in answer.items {
            #expect(!item.reason.isEmpty)
            #expect(abs(item.signals.total - item.score) < 1e-3)
        }

        // The top product goes out of stock: it is never recommended again.
        let soldOut = answer.items[0].product
        let (stockStatus, _) = try await cluster.put("/v1/inventory", json: #"{"stock":[{"product":"\#(soldOut)","quantity":0,"version":1000}]}"#)
        #expect(stockStatus == 200)
        for placement in [Placement.homeForYou, .cartAddons, .postOrderEmail] {
            answer = try await recommend(cluster, RecommendationRequest(shopper: shopper, placement: placement, k: 10))
            #expect(!answer.items.contains { $0.product == soldOut }, "\(placement) recommended a product at stock 0")
        }

        // What the shopper bought is not recommended to them again.
        answer = try await recommend(cluster, RecommendationRequest(shopper: shopper, placement: .homeForYou, k: 5))
        let bought = answer.items[0].product
        try await send(cluster, [ShopperEvent(id: "\(shopper)-buy", type: .purchase, shopper: shopper, session: "s1", product: bought)])
        for placement in [Placement.homeForYou, .postOrderEmail] {
            answer = try await recommend(cluster, RecommendationRequest(shopper: shopper, placement: placement, k: 10))
            #expect(!answer.items.contains { $0.product == bought }, "\(placement) recommended a purchased product")
        }

        // product_similar: products related to the page's product.
        let page = products[42]
        let related = Set([page.category] + Self.shop.complements(of: page.category))
        answer = try await recommend(cluster, RecommendationRequest(
            shopper: "someone-new", placement: .productSimilar, context: RecommendationContext(product: page.id), k: 5
        ))
        #expect(!answer.items.contains { $0.product == page.id })
        let pageDepartment = page.categoryPath[0]
        let relatedCount = answer.items.filter { related.contains($0.category) || $0.category.hasPrefix(pageDepartment) }.count
        #expect(relatedCount >= 4, "similar to \(page.category): \(answer.items.map(\.category))")
    }

    @Test("bad requests get a 4xx naming the field", arguments: [
        ("/v1/recommendations", #"{"user":"u1","placement":"front_page"}"#, "placement"),
        ("/v1/recommendations", #"{"user":"u1","placement":"home_for_you","k":500}"#, "k"),
        ("/v1/recommendations", #"{"placement":"home_for_you"}"#, "user"),
        ("/v1/recommendations", #"{"user":"u1","placement":"home_for_you","personalization":"opted_in"}"#, "personalization"),
        ("/v1/recommendations", #"{"user":"u1","placement":"product_similar"}"#, "context.product"),
        ("/v1/events", #"{"events":[{"type":"view","product":"p1"}]}"#, "events[0].user"),
        ("/v1/events", #"{"events":[{"type":"view","user":"u1","product":"p1"},{"type":"teleport","user":"u1","product":"p1"}]}"#, "events[1].type"),
        ("/v1/events", #"{"events":[]}"#, "events"),
        ("/v1/events", #"{"events":"#, "body"),
    ])
    func badRequests(path: String, body: String, field: String) async throws {
        let cluster = try await Self.shared()
        let (status, data) = try await cluster.post(path, json: body)
        #expect((400..<500).contains(status))
        let error = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        #expect(error?["error"]?["field"] as? String == field, "\(String(decoding: data, as: UTF8.self))")
        #expect((error?["error"]?["problem"] as? String)?.isEmpty == false)
    }

    @Test("after a node is killed with SIGKILL, answers keep full coverage from the other replicas")
    func nodeKilled() async throws {
        let cluster = try await TestCluster.start()
        defer { cluster.stop() }
        let before = try await recommend(cluster, RecommendationRequest(shopper: "u00001", placement: .homeForYou))
        #expect(before.coverage.answered == before.coverage.partitions)
        cluster.kill("n2")
        for index in 0..<20 {
            let answer = try await recommend(cluster, RecommendationRequest(shopper: DemoIDs.shopper(index), placement: .homeForYou))
            #expect(answer.coverage.answered == answer.coverage.partitions, "request \(index): \(answer.coverage)")
            #expect(answer.coverage.degraded == false || answer.coverage.reasons?.allSatisfy { $0.contains("profile") } == true)
            #expect(!answer.items.isEmpty)
        }
    }

    /// One healthy cluster for the read-only tests.
    private static func shared() async throws -> TestCluster {
        try await SharedCluster.instance.get()
    }
}

/// Started on first use, stopped when the test process ends (its children watch it).
actor SharedCluster {
    static let instance = SharedCluster()
    private var cluster: TestCluster?

    func get() async throws -> TestCluster {
        if let cluster { return cluster }
        let started = try await TestCluster.start(demo: false)
        cluster = started
        return started
    }
}
}
