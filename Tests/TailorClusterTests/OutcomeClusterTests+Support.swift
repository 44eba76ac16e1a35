import Foundation
import NIOHTTP1
import TailorClient
import TailorTesting
import Testing

/// The outcome loop's public API as the tests call it: recommendations, events,
/// experiments and reports, decoded loosely (JSONSerialization) so a test reads what a
/// shop's client would.
extension ProcessSuites.OutcomeClusterTests {
    static func json(_ data: Data) -> [String: Any] { ProcessSuites.DurabilityClusterTests.json(data) }

    static func text(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    /// The `error.field` of a refusal.
    static func errorField(_ data: Data) -> String? {
        (json(data)["error"] as? [String: Any])?["field"] as? String
    }

    static func client(_ gateway: URL, key: String) -> PublicAPIClient {
        var client = PublicAPIClient(gateway: gateway.absoluteString)!.authorized(key)
        client.timeout = .seconds(10)
        return client
    }

    /// `POST /v1/recommendations`; the answer's JSON (empty when not 200, recorded as an issue).
    static func recommend(
        _ client: PublicAPIClient, _ shopper: String, _ placement: String, context: [String: Any]? = nil, k: Int = 6
    ) async throws -> [String: Any] {
        var body: [String: Any] = ["user": shopper, "placement": placement, "k": k]
        if let context { body["context"] = context }
        let (status, data) = try await client.send(.POST, "/v1/recommendations", json: text(body))
        #expect(status == 200, "POST /v1/recommendations for \(shopper) on \(placement): \(status) \(text(data))")
        return status == 200 ? json(data) : [:]
    }

    static func products(of answer: [String: Any]) -> [String] {
        (answer["items"] as? [[String: Any]] ?? []).compactMap { $0["product"] as? String }
    }

    static func events(_ client: PublicAPIClient, _ events: [[String: Any]]) async throws -> (status: Int, body: Data) {
        try await client.send(.POST, "/v1/events", json: text(["events": events]))
    }

    /// Sends a batch until the gateway acknowledges it (a shop's client retrying with
    /// the same event ids, which is always safe); false when it never did within `timeout`.
    static func deliver(_ client: PublicAPIClient, _ batch: [[String: Any]], timeout: Duration = .seconds(30)) async throws -> Bool {
        let end = ContinuousClock.now + timeout
        while true {
            let status = (try? await events(client, batch))?.status ?? 0
            if (200..<300).contains(status) { return true }
            if status >= 400 && status < 500 { return false }
            if ContinuousClock.now >= end { return false }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// One event as `POST /v1/events` takes it.
    static func event(
        _ id: String, _ type: String, _ shopper: String, _ products: [String], at seconds: Int64,
        recommendation: String? = nil, quantity: Int? = nil, price: Double? = nil
    ) -> [String: Any] {
        var event: [String: Any] = [
            "id": id, "type": type, "user": shopper, "products": products,
            "at": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(seconds))),
        ]
        if let recommendation { event["recommendationId"] = recommendation }
        if let quantity { event["quantity"] = quantity }
        if let price { event["price"] = price }
        return event
    }

    static func putExperiment(_ client: PublicAPIClient, _ id: String, _ body: [String: Any]) async throws -> (status: Int, body: Data) {
        try await client.send(.PUT, "/v1/experiments/\(id)", json: text(body))
    }

    /// A fixed 50/50 experiment's body.
    static func fixed(_ placement: String, _ variants: [[String: Any]], objective: String = "conversions") -> [String: Any] {
        ["placements": [placement], "objective": objective, "allocation": "fixed", "variants": variants]
    }

    /// The report's range: yesterday to tomorrow (UTC), so a run across midnight still sees every day.
    static var reportRange: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let now = Date()
        return "from=\(formatter.string(from: now.addingTimeInterval(-86_400)))&to=\(formatter.string(from: now.addingTimeInterval(86_400)))"
    }

    static func report(_ client: PublicAPIClient, groupBy: String) async throws -> (status: Int, report: [String: Any]) {
        let (status, data) = try await client.get("/v1/reports/recommendations?\(reportRange)&groupBy=\(groupBy)")
        return (status, json(data))
    }

    /// What a report row or an expectation counts.
    struct Counts: Equatable, CustomStringConvertible {
        var impressions = 0
        var clicks = 0
        var addToCarts = 0
        var purchases = 0
        var revenue = 0.0
        var margin = 0.0

        init() {}

        init(row: [String: Any]) {
            impressions = row["impressions"] as? Int ?? -1
            clicks = row["clicks"] as? Int ?? -1
            addToCarts = row["addToCarts"] as? Int ?? -1
            purchases = row["purchases"] as? Int ?? -1
            revenue = row["revenue"] as? Double ?? .nan
            margin = row["margin"] as? Double ?? .nan
        }

        /// Counts exactly, amounts within 1e-6.
        func matches(_ other: Counts) -> Bool {
            impressions == other.impressions && clicks == other.clicks && addToCarts == other.addToCarts && purchases == other.purchases
                && abs(revenue - other.revenue) <= 1e-6 && abs(margin - other.margin) <= 1e-6
        }

        var description: String {
            "impressions \(impressions), clicks \(clicks), addToCarts \(addToCarts), purchases \(purchases), revenue \(revenue), margin \(margin)"
        }
    }

    /// The report's rows by their group key ("placement" or "experiment/variant").
    static func rows(_ report: [String: Any], key: ([String: Any]) -> String) -> [String: Counts] {
        var rows: [String: Counts] = [:]
        for row in report["rows"] as? [[String: Any]] ?? [] { rows[key(row)] = Counts(row: row) }
        return rows
    }

    /// Differences between what a report shows and what was expected, empty when none.
    static func differences(_ shown: [String: Counts], _ expected: [String: Counts]) -> [String] {
        Set(shown.keys).union(expected.keys).sorted().compactMap { key in
            let (got, wanted) = (shown[key] ?? Counts(), expected[key] ?? Counts())
            return got.matches(wanted) ? nil : "\(key): expected \(wanted); got \(shown[key].map(\.description) ?? "no row")"
        }
    }

    /// The product's catalog price and cost, read as a private caller would.
    static func catalogEntry(_ client: PublicAPIClient, _ id: String) async throws -> (price: Double, cost: Double?) {
        let (status, data) = try await client.get("/v1/products/\(id)")
        #expect(status == 200, "GET /v1/products/\(id): \(status)")
        let product = json(data)["product"] as? [String: Any] ?? [:]
        return (product["price"] as? Double ?? 0, product["cost"] as? Double)
    }

    static var nowSeconds: Int64 { Int64(Date().timeIntervalSince1970) }
}
