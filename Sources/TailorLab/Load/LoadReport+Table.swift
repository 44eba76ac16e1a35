import Foundation
import TailorProcess

extension LoadReport {
    /// The report as aligned Markdown tables (recommendations, events, decisions when sent), the errors of
    /// each rate, and the line naming the highest rate within the objective.
    var table: String {
        var lines: [String] = []
        lines.append(
            "tailor load → \(target): \(connections) connections, \(String(format: "%g", warmupSeconds))s warm-up + "
                + "\(String(format: "%g", durationSeconds))s measured per rate, events share \(format(eventsShare * 100, 0)) %, seed \(seed)"
        )
        lines.append("latency from each request's scheduled send time (open loop)")
        for kind in LoadKind.allCases {
            let rows = runs.compactMap { run in run[kind].map { (run.rate, $0) } }
            guard rows.contains(where: { $0.1.offered > 0 }) else { continue }
            lines.append("")
            lines.append("\(kind.rawValue) (POST \(kind.path))")
            lines.append(contentsOf: Self.align(Self.header + rows.map { Self.cells(rate: $0.0, $0.1, kind: kind) }))
        }
        if !watched.isEmpty {
            lines.append("")
            let kinds = runs.contains { $0.decisions != nil } ? "every kind" : "recommendations and events"
            lines.append("CPU ms per request in the measured window (\(kinds) together)")
            let header = [["rate/s"] + watched.map(\.name) + ["all"]]
            let rows = runs.map { run -> [String] in
                let values = (run.cpu ?? []).map(\.msPerRequest)
                let total = values.allSatisfy { $0 != nil } ? values.reduce(0) { $0 + ($1 ?? 0) } : nil
                return [format(run.rate, 0)] + (values + [total]).map { $0.map { format($0, 3) } ?? "exited" }
            }
            lines.append(contentsOf: Self.align(header + rows))
        }
        let failing = runs.flatMap { run in
            LoadKind.allCases.compactMap { kind -> String? in
                guard let summary = run[kind] else { return nil }
                var parts = summary.errors.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }
                if summary.dropped > 0 { parts.append("dropped × \(summary.dropped)") }
                return parts.isEmpty ? nil : "  \(format(run.rate, 0))/s \(kind.rawValue): " + parts.joined(separator: ", ")
            }
        }
        if !failing.isEmpty {
            lines.append("")
            lines.append("errors:")
            lines.append(contentsOf: failing)
        }
        lines.append("")
        if let best = highestRateWithinSLO {
            lines.append("highest rate within the SLO (p99 ≤ \(format(sloP99Ms, 1)) ms, no errors, no drops): \(format(best, 0))/s")
        } else {
            lines.append("no rate held the SLO (p99 ≤ \(format(sloP99Ms, 1)) ms, no errors, no drops)")
        }
        return lines.joined(separator: "\n")
    }

    private static let header: [[String]] = [
        ["rate/s", "offered/s", "achieved/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "dropped", "degraded"]
    ]

    private static func cells(rate: Double, _ summary: Kind, kind: LoadKind) -> [String] {
        let latency = summary.latencyMs
        let degraded =
            kind != .events ? "\(summary.degraded) (\(format(summary.degradedPercent, 1)) %)" : "-"
        return [
            format(rate, 0), format(summary.offeredPerSecond, 1), format(summary.achievedPerSecond, 1),
            format(latency.p50, 2), format(latency.p90, 2), format(latency.p99, 2), format(latency.p999, 2),
            format(latency.max, 2), String(summary.errorCount), String(summary.dropped), degraded,
        ]
    }

    /// Markdown rows padded so the columns line up in a terminal too; numbers right-aligned.
    private static func align(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| " + zip(cells, widths).map { pad($0, to: $1) }.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { " " + String(repeating: "-", count: max($0 - 1, 2)) + ": " }.joined(separator: "|") + "|"
        return [line(rows[0]), rule] + rows.dropFirst().map(line)
    }

    private static func pad(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    private func format(_ value: Double, _ decimals: Int) -> String { Self.format(value, decimals) }
}
