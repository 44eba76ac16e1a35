import Foundation
import TailorClient
import TailorModel
import TailorOutcomes

extension ChaosRun {
    /// The outcome loop's safety criterion: after the faults, the cluster's report
    /// (`GET /v1/reports/recommendations?groupBy=placement,day`) equals what the
    /// attribution rules make of the loop's events the cluster holds (every
    /// acknowledged one, by the lost-events check, and any unacknowledged one a replica
    /// stored), computed here from the events as the clients sent them. Counts must be
    /// equal, revenue and margin within 1e-6. Polled until equal or 30 s (anti-entropy
    /// may still be copying); answers the seconds it took, the differences left, and
    /// how many of the loop's events were checked.
    func checkOutcomes(
        _ history: ChaosHistory, held: Set<String>, cluster: ChaosCluster, load: ChaosLoad, since: Double
    ) async -> (seconds: Double?, mismatches: [String], events: Int) {
        let sent = history.writes.flatMap(\.outcomeEvents).filter { held.contains($0.id) }
        guard !sent.isEmpty else { return (nil, ["no outcome events were stored: the loop was not exercised"], 0) }
        // The margin of a purchase is price − the product's cost, as the catalog holds it.
        var costs: [String: Double] = [:]
        for product in Set(sent.filter { $0.type == "purchase" }.flatMap(\.products)) {
            if let (status, data) = try? await cluster.api.get("/v1/products/\(product)"), status == 200,
                let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            {
                let record = body["product"] as? [String: Any] ?? body
                costs[product] = record["cost"] as? Double
            }
        }
        var expected: OutcomeCells = [:]
        for (_, events) in Dictionary(grouping: sent, by: \.shopper) {
            let stored = events.map { event in
                StoredEvent(
                    id: event.id, type: EventType(rawValue: event.type) ?? .view, shopper: event.shopper, session: "",
                    products: event.products.map { ProductRef(id: $0, cost: costs[$0]) }, quantity: event.quantity,
                    atMillis: event.atMillis, recommendationID: event.recommendationID, unitPrice: event.price
                )
            }
            expected.add(Attribution.cells(of: Attribution.outcomes(of: stored)))
        }
        var byDay: [String: CellCounts] = [:]
        for (key, counts) in expected { byDay["\(key.placement) \(CellKey.text(ofDay: key.day))", default: CellCounts()].add(counts) }
        let days = expected.keys.map(\.day)
        let query = "/v1/reports/recommendations?groupBy=placement,day&from=\(CellKey.text(ofDay: days.min()!))&to=\(CellKey.text(ofDay: days.max()!))"
        let deadline = ContinuousClock.now + .seconds(30)
        var mismatches: [String] = []
        while true {
            mismatches = await compare(byDay, query: query, cluster: cluster)
            if mismatches.isEmpty { return (load.now - since, [], sent.count) }
            if ContinuousClock.now > deadline { return (nil, Array(mismatches.prefix(10)), sent.count) }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    private func compare(_ expected: [String: CellCounts], query: String, cluster: ChaosCluster) async -> [String] {
        guard let (status, data) = try? await cluster.api.get(query), status == 200,
            let report = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let rows = report["rows"] as? [[String: Any]]
        else { return ["the report could not be read"] }
        if report["complete"] as? Bool != true { return ["the report is not complete"] }
        var mismatches: [String] = []
        var seen = Set<String>()
        for row in rows {
            let name = "\(row["placement"] as? String ?? "?") \(row["day"] as? String ?? "?")"
            seen.insert(name)
            let want = expected[name] ?? CellCounts()
            let counts: [(String, Int64)] = [
                ("impressions", want.impressions), ("clicks", want.clicks), ("addToCarts", want.addToCarts), ("purchases", want.purchases),
            ]
            for (field, value) in counts where (row[field] as? NSNumber)?.int64Value != value {
                mismatches.append("\(name) \(field): report \(row[field] ?? "none"), events say \(value)")
            }
            for (field, value) in [("revenue", want.revenue), ("margin", want.margin)] {
                let got = (row[field] as? NSNumber)?.doubleValue ?? .nan
                if !(abs(got - value) <= 1e-6 * max(1, abs(value))) {
                    mismatches.append("\(name) \(field): report \(got), events say \(value)")
                }
            }
        }
        for name in expected.keys where !seen.contains(name) { mismatches.append("\(name): missing from the report") }
        return mismatches
    }
}
