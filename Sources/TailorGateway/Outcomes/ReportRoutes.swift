import Foundation
import HTTPTypes
import Hummingbird
import TailorModel
import TailorOutcomes

/// `GET /v1/reports/recommendations`: what recommendations earned, per placement,
/// experiment variant or day (or several), over a range of days. Decisions count like
/// recommendations: a decision point's row carries the point in `placement`, with
/// `kind: decision_point`, and its treatments as variants.
struct RecommendationReport: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var placement: String?
        /// `decision_point` when `placement` names a decision point; absent for a placement.
        var kind: String?
        var experiment: String?
        var variant: String?
        var day: String?
        var metrics: OutcomeMetrics

        enum CodingKeys: String, CodingKey { case placement, kind, experiment, variant, day }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(placement, forKey: .placement)
            try container.encodeIfPresent(kind, forKey: .kind)
            try container.encodeIfPresent(experiment, forKey: .experiment)
            try container.encodeIfPresent(variant, forKey: .variant)
            try container.encodeIfPresent(day, forKey: .day)
            try metrics.encode(to: encoder)
        }
    }

    var from: String
    var to: String
    var placement: String?
    var groupBy: [String]
    var rows: [Row]
    var totals: OutcomeMetrics
    /// False when some shopper partition had no replica answering: the numbers miss its shoppers.
    var complete: Bool
    var missingPartitions: [Int]?
}

extension GatewayService {
    enum ReportGroup: String, CaseIterable {
        case placement, variant, day
    }

    /// Days a report may span.
    static let maximumReportDays = 400

    func addReportRoutes(to routes: RouterGroup<GatewayRequestContext>) {
        routes.get("/v1/reports/recommendations") { request, _ in
            let query = request.uri.queryParameters
            let today = CellKey.day(ofMillis: Int64(Date().timeIntervalSince1970 * 1000))
            let to = try query.get("to").map { try Self.day($0, field: "to") } ?? today
            let from = try query.get("from").map { try Self.day($0, field: "from") } ?? to - 29
            if from > to { throw APIError(status: .badRequest, field: "from", problem: "is after to") }
            if to - from >= Int32(Self.maximumReportDays) {
                throw APIError(status: .badRequest, field: "from", problem: "a report spans at most \(Self.maximumReportDays) days")
            }
            let placement = try query.get("placement").map { text in
                guard let placement = Placement(rawValue: text) else {
                    throw APIError(status: .badRequest, field: "placement", problem: "must be one of \(Placement.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return placement.rawValue
            }
            // A decision point's cells sit in the placement column under the point's id.
            let point = query.get("point")
            if point != nil && placement != nil {
                throw APIError(status: .badRequest, field: "point", problem: "a report is for one placement or one decision point, not both")
            }
            let column = placement ?? point
            var groups: [ReportGroup] = []
            for name in (query.get("groupBy") ?? "placement").split(separator: ",") {
                guard let group = ReportGroup(rawValue: String(name)) else {
                    throw APIError(status: .badRequest, field: "groupBy", problem: "takes placement, variant and day, comma-separated")
                }
                if !groups.contains(group) { groups.append(group) }
            }
            let snapshot = await self.readOutcomes(experimentsOnly: false)
            var grouped: [CellKey: CellCounts] = [:]
            var totals = CellCounts()
            for (key, counts) in snapshot.cells where key.day >= from && key.day <= to && (column == nil || key.placement == column) {
                let group = CellKey(
                    day: groups.contains(.day) ? key.day : 0, placement: groups.contains(.placement) ? key.placement : "",
                    experiment: groups.contains(.variant) ? key.experiment : "", variant: groups.contains(.variant) ? key.variant : ""
                )
                grouped[group, default: CellCounts()].add(counts)
                totals.add(counts)
            }
            let rows = grouped.sorted { $0.key < $1.key }.map { key, counts in
                RecommendationReport.Row(
                    placement: groups.contains(.placement) ? key.placement : nil,
                    kind: groups.contains(.placement) && Placement(rawValue: key.placement) == nil ? "decision_point" : nil,
                    experiment: groups.contains(.variant) ? key.experiment : nil,
                    variant: groups.contains(.variant) ? key.variant : nil,
                    day: groups.contains(.day) ? Self.dayText(key.day) : nil,
                    metrics: OutcomeMetrics(counts)
                )
            }
            return try JSONCoding.response(RecommendationReport(
                from: Self.dayText(from), to: Self.dayText(to), placement: column, groupBy: groups.map(\.rawValue),
                rows: rows, totals: OutcomeMetrics(totals), complete: snapshot.isComplete,
                missingPartitions: snapshot.isComplete ? nil : snapshot.missing
            ))
        }
    }

    /// `YYYY-MM-DD` (UTC) as days since the epoch.
    static func day(_ text: String, field: String) throws -> Int32 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        guard let date = formatter.date(from: text) else {
            throw APIError(status: .badRequest, field: field, problem: "must be a day as YYYY-MM-DD (UTC)")
        }
        return CellKey.day(ofMillis: Int64(date.timeIntervalSince1970 * 1000))
    }

    static func dayText(_ day: Int32) -> String { CellKey.text(ofDay: day) }
}
