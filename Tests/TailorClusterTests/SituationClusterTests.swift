import Foundation
import TailorClient
import TailorTesting
import Testing

/// `GET /v1/shoppers/{id}/situation` on a real cluster with the small demo shop: what a
/// shopper's views put in their situation, an unknown shopper, and refusals.
extension ProcessSuites {
    @Suite("A shopper's situation (processes)", .serialized)
    struct SituationClusterTests {
        private static func json(_ data: Data) -> [String: Any] { DurabilityClusterTests.json(data) }
        private static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

        @Test("two views in one category make both products seed items and the category a top one; unknown shoppers, public keys and bad ids")
        func situation() async throws {
            let cluster = try await TestCluster.start()
            defer { cluster.stop() }
            do {
                let key = try await AccessClusterTests.makeKey(cluster, #"{"role":"private","name":"shop-server"}"#)
                let shop = cluster.client.authorized(key.key)
                try await viewsMakeTheSituation(cluster, shop)
                try await unknownShopper(shop)
                try await refusals(cluster, shop)
            } catch {
                cluster.printLogs()
                throw error
            }
        }

        /// Two demo products of one category (the first category with two).
        private func twoProductsOfOneCategory(_ cluster: TestCluster) async throws -> (category: String, products: [String: String]) {
            let (status, data) = try await cluster.get("/v1/products?limit=100")
            #expect(status == 200, "\(Self.text(data))")
            let products = Self.json(data)["products"] as? [[String: Any]] ?? []
            let byCategory = Dictionary(grouping: products) { $0["category"] as? String ?? "" }
            let (category, members) = try #require(
                byCategory.filter { !$0.key.isEmpty && $0.value.count >= 2 }.min { $0.key < $1.key }, "no category with two products"
            )
            let two = members.prefix(2).map { ($0["id"] as? String ?? "", $0["title"] as? String ?? "") }
            return (category, Dictionary(uniqueKeysWithValues: two))
        }

        private func viewsMakeTheSituation(_ cluster: TestCluster, _ shop: PublicAPIClient) async throws {
            let (category, products) = try await twoProductsOfOneCategory(cluster)
            let shopper = "situation-shopper"
            let events = products.keys.sorted().enumerated().map { index, product in
                #"{"id":"situation-v\#(index)","type":"view","user":"\#(shopper)","session":"s","product":"\#(product)"}"#
            }
            let (written, writeData) = try await cluster.post("/v1/events", json: #"{"events":[\#(events.joined(separator: ","))]}"#)
            #expect(written == 200, "\(Self.text(writeData))")

            // The write answers once a quorum stored it; the replica read may be the other one.
            var answer: [String: Any] = [:]
            var listed: Set<String> = []
            let start = ContinuousClock.now
            while listed != Set(products.keys) && ContinuousClock.now - start < .seconds(10) {
                let (status, data) = try await shop.get("/v1/shoppers/\(shopper)/situation")
                #expect(status == 200, "\(Self.text(data))")
                answer = Self.json(data)
                listed = Set((answer["items"] as? [[String: Any]] ?? []).compactMap { $0["product"] as? String })
                if listed != Set(products.keys) { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(answer["shopper"] as? String == shopper)
            #expect(answer["known"] as? Bool == true, "\(answer)")
            #expect(listed == Set(products.keys), "\(answer)")
            #expect(answer["partition"] is Int && !(answer["replica"] as? String ?? "").isEmpty)
            let items = answer["items"] as? [[String: Any]] ?? []
            let weights = items.map { $0["weight"] as? Double ?? 0 }
            #expect(weights == weights.sorted(by: >) && weights.allSatisfy { $0 > 0 }, "heaviest first")
            for item in items {
                #expect(item["title"] as? String == products[item["product"] as? String ?? ""], "titles from the catalog: \(item)")
            }
            let categories = (answer["categories"] as? [[String: Any]] ?? []).compactMap { $0["category"] as? String }
            #expect(categories.contains(category), "\(category) among \(categories)")
            #expect(categories.count <= 10)
            #expect(answer["brands"] is [Any] && answer["attributes"] is [Any])
            #expect(answer["purchased"] as? [String] == [] && answer["purchasedCount"] as? Int == 0)
            #expect(answer["typicalPrice"] is Double)
        }

        private func unknownShopper(_ shop: PublicAPIClient) async throws {
            let (status, data) = try await shop.get("/v1/shoppers/nobody-ever/situation")
            #expect(status == 200, "\(Self.text(data))")
            let answer = Self.json(data)
            #expect(answer["known"] as? Bool == false)
            for list in ["items", "categories", "brands", "attributes", "purchased"] {
                #expect((answer[list] as? [Any])?.isEmpty == true, "\(list) in \(answer)")
            }
        }

        private func refusals(_ cluster: TestCluster, _ shop: PublicAPIClient) async throws {
            // An id longer than the 128 bytes ids may have.
            let (badStatus, badData) = try await shop.get("/v1/shoppers/\(String(repeating: "x", count: 129))/situation")
            #expect(badStatus == 400)
            #expect((Self.json(badData)["error"] as? [String: Any])?["field"] as? String == "id", "\(Self.text(badData))")
            let key = try await AccessClusterTests.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["https://shop.example"]}"#)
            #expect(try await cluster.client.authorized(key.key).get("/v1/shoppers/situation-shopper/situation").status == 403)
            #expect(try await cluster.post("/v1/shoppers/situation-shopper/situation", json: "{}").0 == 405)
        }
    }
}
