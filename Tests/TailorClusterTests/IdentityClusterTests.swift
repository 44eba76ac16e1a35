import Foundation
import NIOHTTP1
import TailorClient
import TailorDemo
import TailorModel
import TailorTesting
import Testing

/// Anonymous to known on real processes: an anonymous shopper's history merged into a
/// known shopper's on every replica, once however often it is asked, steering the known
/// shopper's recommendations, and erased with the known shopper.
extension ProcessSuites {
@Suite("Identity: anonymous to known (3 nodes and a gateway as processes)", .serialized)
struct IdentityClusterTests {
    static let shop = DemoShop(configuration: .small)

    private static func json(_ data: Data) -> [String: Any] { DurabilityClusterTests.json(data) }

    /// The export of `shopper` through each replica of their partition: (replica, body).
    private func exports(_ cluster: TestCluster, _ shopper: String) async throws -> [(replica: String, body: [String: Any])] {
        let (status, data) = try await cluster.get("/v1/users/\(shopper)/export")
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        let replicas = Self.json(data)["replicas"] as? [String] ?? []
        #expect(replicas.count == 2)
        var answers: [(String, [String: Any])] = []
        for replica in replicas {
            let (status, data) = try await cluster.get("/v1/users/\(shopper)/export?replica=\(replica)")
            #expect(status == 200, "\(replica): \(String(decoding: data, as: UTF8.self))")
            answers.append((replica, Self.json(data)))
        }
        return answers
    }

    private static func events(_ body: [String: Any]) -> [[String: Any]] { body["events"] as? [[String: Any]] ?? [] }

    private static func signature(_ body: [String: Any]) -> [String] {
        events(body).map { "\($0["id"] ?? "") \($0["type"] ?? "") \(($0["products"] as? [String]) ?? []) \($0["at"] ?? "")" }.sorted()
    }

    private func recommend(_ cluster: TestCluster, _ shopper: String) async throws -> RecommendationResponse {
        let (status, data) = try await cluster.post("/v1/recommendations", RecommendationRequest(shopper: shopper, placement: .homeForYou, k: 5))
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        return try JSONDecoder().decode(RecommendationResponse.self, from: data)
    }

    /// The gateway's `tailor_identity_merges_total`.
    private func merges(_ cluster: TestCluster) async throws -> Double {
        let text = String(decoding: try await cluster.get("/metrics").1, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("tailor_identity_merges_total") }
        return line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
    }

    @Test("anonymous history merges into the known shopper on every replica, once; steers recommendations; is erased with the known shopper")
    func anonymousToKnown() async throws {
        let cluster = try await TestCluster.start()
        defer { cluster.stop() }
        do {
            try await checkMerge(cluster)
        } catch {
            cluster.printLogs()
            throw error
        }
    }

    private func checkMerge(_ cluster: TestCluster) async throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let anonymous = "anon-\(suffix)", known = "zoe-\(suffix)", second = "anon2-\(suffix)"
        let privateKey = try await AccessClusterTests.makeKey(cluster, #"{"role":"private","name":"shop server"}"#).key
        let publicKey = try await AccessClusterTests.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["*"]}"#).key
        let shopServer = cluster.client(key: privateKey), storefront = cluster.client(key: publicKey)

        // A leaf category the known shopper's answers do not show yet.
        let before = try await recommend(cluster, known)
        let shown = Set(before.items.map(\.category))
        let category = try #require(Self.shop.products.map(\.category).first { category in
            !shown.contains(category) && Self.shop.products.count { $0.category == category } >= 6
        })
        let viewed = Self.shop.products.filter { $0.category == category }.prefix(5)

        // The anonymous shopper browses (a storefront's events, public key).
        let browsing = viewed.enumerated().map { index, product in
            ShopperEvent(id: "\(anonymous)-\(index)", type: index == 4 ? .addToCart : .view, shopper: anonymous, session: "s1", product: product.id)
        }
        let (sent, sentBody) = try await storefront.send(.POST, "/v1/events", EventBatch(events: browsing))
        #expect(sent == 200, "\(String(decoding: sentBody, as: UTF8.self))")

        // The shopper logs in: the shop's server links the two ids.
        let (status, data) = try await shopServer.send(.POST, "/v1/users/\(known)/aliases", json: #"{"anonymousId":"\#(anonymous)"}"#)
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        #expect(Self.json(data)["merged"] as? Int == 5)
        #expect(Self.json(data)["duplicates"] as? Int == 0)

        // Every replica of the known shopper holds the anonymous history and the link.
        let merged = try await exports(cluster, known)
        let original = Self.events(try await exports(cluster, anonymous)[0].body)
        for (replica, body) in merged {
            let events = Self.events(body)
            #expect(events.count == 5, "\(replica)")
            #expect(events.allSatisfy { ($0["id"] as? String)?.hasPrefix("merged-") == true }, "\(replica)")
            #expect(events.map { $0["products"] as? [String] ?? [] }.sorted { "\($0)" < "\($1)" }
                == original.map { $0["products"] as? [String] ?? [] }.sorted { "\($0)" < "\($1)" }, "\(replica)")
            #expect(events.map { $0["at"] as? String ?? "" }.sorted() == original.map { $0["at"] as? String ?? "" }.sorted(), "\(replica)")
            #expect(body["linkedAnonymousIds"] as? [String] == [anonymous], "\(replica)")
        }
        #expect(Set(merged.map { Self.signature($0.body) }.map { $0.joined(separator: "|") }).count == 1, "the replicas hold the same events")

        // Doing it again changes nothing.
        let (again, againData) = try await shopServer.send(.POST, "/v1/users/\(known)/aliases", json: #"{"anonymousId":"\#(anonymous)"}"#)
        #expect(again == 200)
        #expect(Self.json(againData)["merged"] as? Int == 0)
        #expect(Self.json(againData)["duplicates"] as? Int == 5)
        for ((replica, body), (_, earlier)) in zip(try await exports(cluster, known), merged) {
            #expect(Self.signature(body) == Self.signature(earlier), "\(replica)")
        }

        // Recommendations for the known shopper now follow the anonymous history.
        let after = try await recommend(cluster, known)
        #expect(after.items.first?.category == category, "top item \(after.items.first?.category ?? "none"), expected \(category)")

        // An event carrying both ids merges once: the gateway remembers the pair.
        let secondBrowsing = viewed.prefix(2).enumerated().map { index, product in
            ShopperEvent(id: "\(second)-\(index)", type: .view, shopper: second, session: "s2", product: product.id)
        }
        #expect(try await storefront.send(.POST, "/v1/events", EventBatch(events: secondBrowsing)).status == 200)
        let login = ShopperEvent(id: "\(known)-login", type: .view, shopper: known, session: "s2", product: viewed.first!.id, anonymousId: second)
        let mergesBefore = try await merges(cluster)
        for _ in 0..<2 {
            let (status, data) = try await shopServer.send(.POST, "/v1/events", EventBatch(events: [login]))
            #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        }
        #expect(try await merges(cluster) == mergesBefore + 1, "the second event found the pair merged")
        for (replica, body) in try await exports(cluster, known) {
            #expect(Self.events(body).count == 5 + 2 + 1, "\(replica)")
            #expect(Set(body["linkedAnonymousIds"] as? [String] ?? []) == [anonymous, second], "\(replica)")
        }

        // Only the shop's servers may link identities.
        let (refused, refusedData) = try await storefront.send(.POST, "/v1/events", EventBatch(events: [login]))
        #expect(refused == 403)
        #expect((Self.json(refusedData)["error"] as? [String: Any])?["field"] as? String == "events[0].anonymousId")
        #expect(try await storefront.send(.POST, "/v1/users/\(known)/aliases", json: #"{"anonymousId":"\#(anonymous)"}"#).status == 403)
        let (same, sameData) = try await shopServer.send(.POST, "/v1/users/\(known)/aliases", json: #"{"anonymousId":"\#(known)"}"#)
        #expect(same == 400)
        #expect((Self.json(sameData)["error"] as? [String: Any])?["field"] as? String == "anonymousId")
        let (missing, missingData) = try await shopServer.send(.POST, "/v1/users/\(known)/aliases", json: #"{}"#)
        #expect(missing == 400)
        #expect((Self.json(missingData)["error"] as? [String: Any])?["field"] as? String == "anonymousId")

        // Erasing the known shopper erases the merged history and both anonymous shoppers.
        let (erased, erasedData) = try await cluster.delete("/v1/users/\(known)")
        #expect(erased == 200, "\(String(decoding: erasedData, as: UTF8.self))")
        #expect(Self.json(erasedData)["linkedShoppers"] as? Int == 2)
        for shopper in [known, anonymous, second] {
            for (replica, body) in try await exports(cluster, shopper) {
                #expect(Self.events(body).isEmpty, "\(shopper) on \(replica)")
                #expect(body["erasedAt"] != nil, "\(shopper) on \(replica)")
                #expect((body["linkedAnonymousIds"] as? [String] ?? []).isEmpty, "\(shopper) on \(replica)")
            }
        }
        // A retry of the merge after the erasure brings nothing back: the copies are older than the tombstone.
        let (retried, retriedData) = try await shopServer.send(.POST, "/v1/users/\(known)/aliases", json: #"{"anonymousId":"\#(anonymous)"}"#)
        #expect(retried == 200)
        #expect(Self.json(retriedData)["merged"] as? Int == 0)
        #expect(Self.events(try await exports(cluster, known)[0].body).isEmpty)
    }
}
}
