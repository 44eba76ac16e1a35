import Foundation

/// What `tailor-lab simulate` did, as printed and as written by `--json`.
struct SimulationReport: Encodable, Sendable {
    var gateway: String
    var seed: UInt64
    var rate: Double
    var seconds: Double
    var concurrency: Int
    var strategy: String?
    var experiment: String?
    var tally: SimulationTally

    /// Aligned Markdown tables: outcomes per placement and per variant, the variants'
    /// timeline, event deliveries, then failures, refusals and what they mean.
    var text: String {
        var lines = [String]()
        let total = tally.total
        lines.append(
            "tailor-lab simulate → \(gateway): \(tally.visits) visits in \(Self.format(seconds, 1)) s "
                + "(asked \(Self.format(rate, 1))/s, \(tally.lateVisits) started over 1 s late), seed \(seed), "
                + "strategy \(strategy ?? "the gateway's"), experiment \(experiment ?? "none put")"
        )
        lines.append(
            "\(total.requests) recommendation requests, \(total.failedRequests) failed; \(total.impressions) impressions, "
                + "\(total.clicks) clicks, \(total.addsToCart) adds to cart, \(total.purchases) purchases; "
                + "revenue \(Self.format(total.revenue, 2)), margin \(Self.format(total.margin, 2)) (the shoppers' ground truth)"
        )
        lines.append("")
        lines.append("per placement")
        lines.append(contentsOf: Self.outcomeTable(tally.byPlacement))
        lines.append("")
        lines.append("per experiment variant (from the answers' experiment/variant)")
        lines.append(contentsOf: Self.outcomeTable(tally.byVariant))
        if tally.timeline.count > 1 || tally.timeline.keys.first != SimulationTally.noExperiment {
            lines.append("")
            lines.append("share of answers per variant in each tenth of the run")
            let variants = tally.timeline.keys.sorted()
            let rows = (0..<SimulationTally.buckets).map { bucket -> [String] in
                let shares = tally.shares(inBucket: bucket)
                return ["\(bucket * 10)–\(bucket * 10 + 10) %"] + variants.map { shares?[$0].map { Self.format($0 * 100, 1) + " %" } ?? "-" }
            }
            lines.append(contentsOf: Self.align([["tenth"] + variants] + rows))
        }
        lines.append("")
        lines.append("events (POST /v1/events; acknowledged = 2xx)")
        let deliveries = tally.events.sorted { $0.key < $1.key }.map { type, delivery in
            [type, String(delivery.sent), String(delivery.acknowledged), String(delivery.refused)]
        }
        lines.append(contentsOf: Self.align([["type", "sent", "acknowledged", "refused"]] + deliveries))
        if !tally.failures.isEmpty {
            lines.append("")
            let counts = tally.failuresByStatus.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", ")
            lines.append("failed recommendation requests (\(counts)), the first ones:")
            lines.append(contentsOf: tally.failures.map { "  " + $0 })
        }
        if !tally.refusals.isEmpty {
            lines.append("")
            lines.append("refused event batches, the first ones:")
            lines.append(contentsOf: tally.refusals.map { "  " + $0 })
        }
        lines.append(contentsOf: outcomeLoopVerdict.map { ["", $0] } ?? [])
        return lines.joined(separator: "\n")
    }

    /// A line when the gateway plainly does not speak the outcome loop yet.
    var outcomeLoopVerdict: String? {
        let impressions = tally.events["impression"] ?? .init()
        var missing = [String]()
        if tally.answersWithoutRecommendationID > 0 && tally.answersWithRecommendationID == 0 {
            missing.append("none of its \(tally.answersWithoutRecommendationID) answers carried a recommendationId")
        }
        if impressions.sent > 0 && impressions.acknowledged == 0 {
            missing.append("it refused all \(impressions.refused) impression events")
        }
        guard !missing.isEmpty else { return nil }
        return "The gateway does not speak the outcome loop yet: " + missing.joined(separator: " and ")
            + ". The counts above are the simulator's own; the gateway cannot attribute them."
    }

    private static func outcomeTable(_ outcomes: [String: SimulationTally.Outcomes]) -> [String] {
        let header = [
            "", "requests", "failed", "impressions", "clicks", "CTR", "to cart", "purchases", "conv/impr",
            "revenue", "margin", "revenue/1k impr", "margin/1k impr",
        ]
        let rows = outcomes.sorted { $0.key < $1.key }.map { key, o in
            [
                key, String(o.requests), String(o.failedRequests), String(o.impressions), String(o.clicks),
                format(o.clickThrough * 100, 1) + " %", String(o.addsToCart), String(o.purchases),
                format(o.conversionsPerImpression * 100, 2) + " %", format(o.revenue, 2), format(o.margin, 2),
                format(o.revenuePerThousandImpressions, 1), format(o.marginPerThousandImpressions, 1),
            ]
        }
        guard !rows.isEmpty else { return ["  (no answers)"] }
        return align([header] + rows)
    }

    private static func align(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| " + zip(cells, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { " " + String(repeating: "-", count: max($0 - 1, 2)) + ": " }.joined(separator: "|") + "|"
        return [line(rows[0]), rule] + rows.dropFirst().map(line)
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
