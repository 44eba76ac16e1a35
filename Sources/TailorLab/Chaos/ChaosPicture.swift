import Foundation

/// A run's reads per second of the load clock: how many, the share answered 2xx and with
/// every partition, and the latency of those answered (p50, p99).
struct ChaosSeries: Sendable {
    struct Second: Sendable {
        var second: Int
        var reads: Int
        var answered: Double
        var full: Double
        var p50Ms: Double?
        var p99Ms: Double?
    }

    var seconds: [Second]

    /// The value below which the share `p` of `values` falls (nearest rank); nil when empty.
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    init(_ history: ChaosHistory) {
        var buckets: [Int: [ChaosHistory.Read]] = [:]
        for read in history.reads { buckets[Int(read.at), default: []].append(read) }
        seconds = buckets.keys.sorted().map { second in
            let reads = buckets[second]!
            let latencies = reads.filter { $0.status == 200 }.map(\.milliseconds)
            return Second(
                second: second, reads: reads.count,
                answered: Double(reads.filter { $0.status == 200 }.count) / Double(reads.count),
                full: Double(reads.filter(\.fullCoverage).count) / Double(reads.count),
                p50Ms: Self.percentile(latencies, 0.5), p99Ms: Self.percentile(latencies, 0.99)
            )
        }
    }
}

/// One scenario's picture (SVG, no dependencies): latency p50 and p99 per second on a
/// log scale above, the share of reads answered and answered with full coverage below,
/// the fault window shaded in both.
struct ChaosPicture {
    let result: ChaosResult
    let series: ChaosSeries

    private let width = 900.0
    private let left = 60.0
    private let right = 20.0
    private let latencyTop = 40.0
    private let latencyHeight = 200.0
    private let shareTop = 290.0
    private let shareHeight = 120.0

    func svg() -> String {
        let end = max(Double(series.seconds.last?.second ?? 0) + 1, result.faultEnd + 1)
        let plotWidth = width - left - right
        func x(_ second: Double) -> Double { left + plotWidth * second / end }
        // Latency: log scale from 1 ms to 2,000 ms.
        func yLatency(_ ms: Double) -> Double {
            let clamped = min(max(ms, 1), 2_000)
            return latencyTop + latencyHeight * (1 - log10(clamped) / log10(2_000))
        }
        func yShare(_ share: Double) -> Double { shareTop + shareHeight * (1 - share) }
        func line(_ points: [(Double, Double)], color: String, width: Double = 1.5) -> String {
            guard !points.isEmpty else { return "" }
            let path = points.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
            return ##"<polyline fill="none" stroke="\##(color)" stroke-width="\##(width)" points="\##(path)"/>"##
        }
        var out: [String] = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="460" font-family="sans-serif" font-size="12">"##,
            ##"<rect width="100%" height="100%" fill="white"/>"##,
            ##"<text x="\##(left)" y="20" font-size="14" font-weight="bold">tailor chaos: \##(result.scenario) — lost \##(result.lost), reads 2xx \##(String(format: "%.2f", result.availability * 100)) %, full coverage \##(String(format: "%.2f", result.fullCoverage * 100)) %</text>"##,
        ]
        // The fault window, shaded in both panels.
        let shadeX = x(result.faultStart)
        let shadeWidth = max(2, x(result.faultEnd) - shadeX)
        for (top, height) in [(latencyTop, latencyHeight), (shareTop, shareHeight)] {
            out.append(##"<rect x="\##(shadeX)" y="\##(top)" width="\##(shadeWidth)" height="\##(height)" fill="#f4c7c3" opacity="0.6"/>"##)
            out.append(##"<rect x="\##(left)" y="\##(top)" width="\##(plotWidth)" height="\##(height)" fill="none" stroke="#888"/>"##)
        }
        out.append(##"<text x="\##(shadeX + 3)" y="\##(latencyTop + 14)" fill="#a33">fault</text>"##)
        for ms in [1.0, 10, 100, 1_000] {
            let y = yLatency(ms)
            out.append(##"<line x1="\##(left)" x2="\##(left + plotWidth)" y1="\##(y)" y2="\##(y)" stroke="#ddd"/>"##)
            out.append(##"<text x="\##(left - 6)" y="\##(y + 4)" text-anchor="end">\##(Int(ms)) ms</text>"##)
        }
        for share in [0.0, 0.5, 1.0] {
            let y = yShare(share)
            out.append(##"<line x1="\##(left)" x2="\##(left + plotWidth)" y1="\##(y)" y2="\##(y)" stroke="#ddd"/>"##)
            out.append(##"<text x="\##(left - 6)" y="\##(y + 4)" text-anchor="end">\##(Int(share * 100)) %</text>"##)
        }
        let step = end > 120 ? 30 : 10
        for second in stride(from: 0, through: Int(end), by: step) {
            out.append(##"<text x="\##(x(Double(second)))" y="\##(shareTop + shareHeight + 16)" text-anchor="middle">\##(second) s</text>"##)
        }
        let middle = { (second: Int) in Double(second) + 0.5 }
        out.append(line(series.seconds.compactMap { s in s.p99Ms.map { (x(middle(s.second)), yLatency($0)) } }, color: "#d62728"))
        out.append(line(series.seconds.compactMap { s in s.p50Ms.map { (x(middle(s.second)), yLatency($0)) } }, color: "#1f77b4"))
        out.append(line(series.seconds.map { (x(middle($0.second)), yShare($0.answered)) }, color: "#2ca02c", width: 2))
        out.append(line(series.seconds.map { (x(middle($0.second)), yShare($0.full)) }, color: "#ff7f0e"))
        out.append(##"<text x="\##(left)" y="\##(latencyTop - 6)">recommendation latency per second: <tspan fill="#1f77b4">p50</tspan>, <tspan fill="#d62728">p99</tspan> (log scale)</text>"##)
        out.append(##"<text x="\##(left)" y="\##(shareTop - 6)">share of reads per second: <tspan fill="#2ca02c">answered 2xx</tspan>, <tspan fill="#ff7f0e">with full coverage</tspan></text>"##)
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
