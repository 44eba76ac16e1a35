import Foundation
import Hummingbird
import TailorGossip

extension GatewayService {
    /// The merchandiser console's reads: `GET /v1/products` (search) and
    /// `GET /v1/categories` (private), from the catalog mirror and this gateway's gossip
    /// counters without a node call; and `GET /v1/cluster/traffic` (admin), this
    /// gateway's last minute of traffic (``TrafficWindow``).
    func addCatalogRoutes(to shop: RouterGroup<GatewayRequestContext>, admin: RouterGroup<GatewayRequestContext>) {
        shop.get("/v1/products") { request, _ in
            let parameters = Self.formDecodedQuery(request.uri.query)
            let query = try CatalogQuery { parameters[$0] }
            let gossip = self.gossip.current
            let answer = CatalogSearch.search(query, in: self.mirror.snapshot()) { gossip?.counters(of: $0) ?? [] }
            return try JSONCoding.response(answer)
        }
        shop.get("/v1/categories") { _, _ in
            try JSONCoding.response(CatalogSearch.categories(in: self.mirror.snapshot()))
        }
        admin.get("/v1/cluster/traffic") { _, _ in
            try JSONCoding.response(GatewayMetrics.traffic.report(gateway: self.configuration.name))
        }
    }

    /// A query string decoded as a browser's form encoding writes it (`URLSearchParams`):
    /// `+` is a space, `%2B` a plus. The first value of a repeated name counts.
    static func formDecodedQuery(_ query: String?) -> [String: String] {
        var values: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { continue }
            if values[name] == nil { values[name] = value }
        }
        return values
    }

    /// `product`'s popularity and trend as this gateway's gossip counters read now (0, 0 before gossip starts).
    func counterReading(of product: String) -> (popularity: Double, trend: Double) {
        guard let reading = gossip.current?.counters(of: [product]).first else { return (0, 0) }
        return (reading.popularity, reading.trend)
    }
}
