import Foundation
import TailorClient
import TailorTesting
import Testing

/// The merchandiser console's reads on a real cluster with the small demo shop: the
/// catalog search and category list from the gateway's mirror, and the gateway's
/// live traffic.
extension ProcessSuites {
    @Suite("Catalog search and live traffic (processes)", .serialized)
    struct CatalogSearchClusterTests {
        private static func json(_ data: Data) -> [String: Any] { DurabilityClusterTests.json(data) }

        /// A query value percent-encoded (titles and paths hold spaces and `>`).
        private static func encoded(_ value: String) -> String {
            value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
        }

        @Test("search finds a demo product by a word of its title and by category; categories count the catalog; bad and unauthorised queries are refused; traffic shows the recommendations made")
        func searchCategoriesAndTraffic() async throws {
            let cluster = try await TestCluster.start()
            defer { cluster.stop() }
            do {
                try await search(cluster)
                try await traffic(cluster)
            } catch {
                cluster.printLogs()
                throw error
            }
        }

        private func search(_ cluster: TestCluster) async throws {
            let (status, data) = try await cluster.get("/v1/products?limit=100")
            #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
            let all = Self.json(data)
            let total = all["total"] as? Int ?? 0
            let products = all["products"] as? [[String: Any]] ?? []
            #expect(total > 0 && products.count == min(total, 100))
            let popularity = products.map { $0["popularity"] as? Double ?? -1 }
            #expect(popularity == popularity.sorted(by: >), "most popular first")
            guard let known = products.first, let id = known["id"] as? String, let title = known["title"] as? String,
                let category = known["category"] as? String
            else {
                Issue.record("no product in \(all)")
                return
            }
            #expect(known["trend"] is Double && known["price"] is Double)

            // A word of its title, in upper case: every match holds it; the product is among them.
            let words = title.components(separatedBy: " ").filter { !$0.isEmpty && $0.allSatisfy(\.isLetter) }
            let word = words.max { $0.count < $1.count } ?? title
            let (wordStatus, wordData) = try await cluster.get("/v1/products?limit=100&q=\(Self.encoded(word.uppercased()))")
            #expect(wordStatus == 200)
            let found = Self.json(wordData)["products"] as? [[String: Any]] ?? []
            #expect(found.contains { $0["id"] as? String == id }, "searching '\(word)' finds \(id)")
            #expect(found.allSatisfy { product in
                ["id", "title", "brand"].contains { (product[$0] as? String)?.localizedCaseInsensitiveContains(word) ?? false }
            })

            // Its top category: every match sits under it; the category list counts the whole catalog.
            let top = category.components(separatedBy: " > ")[0]
            let (categoryStatus, categoryData) = try await cluster.get("/v1/products?limit=100&category=\(Self.encoded(top))")
            #expect(categoryStatus == 200)
            let inCategory = Self.json(categoryData)
            #expect((inCategory["total"] as? Int ?? 0) >= 1)
            #expect((inCategory["products"] as? [[String: Any]] ?? []).allSatisfy {
                let path = $0["category"] as? String ?? ""
                return path == top || path.hasPrefix(top + " > ")
            })
            // The full path as a browser's form encoding writes it (URLSearchParams: spaces as `+`).
            let formEncoded = category.split(separator: " ").map { Self.encoded(String($0)) }.joined(separator: "+")
            let (formStatus, formData) = try await cluster.get("/v1/products?limit=100&category=\(formEncoded)")
            #expect(formStatus == 200)
            #expect((Self.json(formData)["products"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id }, "category=\(formEncoded)")
            let (listStatus, listData) = try await cluster.get("/v1/categories")
            #expect(listStatus == 200)
            let categories = Self.json(listData)["categories"] as? [[String: Any]] ?? []
            #expect(categories.contains { $0["path"] as? String == category })
            #expect(categories.reduce(0) { $0 + ($1["products"] as? Int ?? 0) } == total)
            let paths = categories.compactMap { $0["path"] as? String }
            #expect(paths == paths.sorted())

            // One product read from its partition carries the gateway's counters too.
            let (productStatus, productData) = try await cluster.get("/v1/products/\(Self.encoded(id))")
            #expect(productStatus == 200)
            #expect(Self.json(productData)["popularity"] is Double && Self.json(productData)["trend"] is Double)

            // Refusals: a bad limit names it; a public key may not search; other methods get 405.
            let (limitStatus, limitData) = try await cluster.get("/v1/products?limit=0")
            #expect(limitStatus == 400)
            #expect((Self.json(limitData)["error"] as? [String: Any])?["field"] as? String == "limit")
            let key = try await AccessClusterTests.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["https://shop.example"]}"#)
            let storefront = cluster.client.authorized(key.key)
            #expect(try await storefront.get("/v1/products?q=shoe").status == 403)
            #expect(try await storefront.get("/v1/categories").status == 403)
            #expect(try await storefront.get("/v1/cluster/traffic").status == 403)
            #expect(try await cluster.delete("/v1/products").0 == 405)
        }

        private func traffic(_ cluster: TestCluster) async throws {
            let made = 5
            for index in 0..<made {
                #expect(try await cluster.post("/v1/recommendations", json: #"{"user":"traffic-\#(index)","placement":"home_for_you","k":4}"#).0 == 200)
            }
            let (status, data) = try await cluster.get("/v1/cluster/traffic")
            #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
            let report = Self.json(data)
            #expect(report["gateway"] is String && report["windowSeconds"] as? Int == 60)
            let recommendation = report["recommendation"] as? [String: Any] ?? [:]
            #expect((recommendation["count"] as? Int ?? 0) >= made, "\(report)")
            #expect((recommendation["p50Ms"] as? Double ?? 0) > 0)
            #expect(((report["requestsPerSecond"] as? [String: Any])?["recommendations"] as? Double ?? 0) > 0)
            let coverage = report["coverage"] as? [String: Any] ?? [:]
            #expect((coverage["full"] as? Int ?? 0) + (coverage["degraded"] as? Int ?? 0) == recommendation["count"] as? Int)
            let series = report["series"] as? [[String: Any]] ?? []
            #expect(series.count == 60)
            #expect(series.reduce(0) { $0 + ($1["requests"] as? Int ?? 0) } >= made)
        }
    }
}
