import Foundation
import HTTPTypes
import Hummingbird
import TailorModel
import TailorScoring
import TailorWire

extension GatewayService {
    /// `/v1/strategies`: every placement's settings, and `GET`/`PUT`/`DELETE` one
    /// (private or admin keys). The settings are last-writer-wins registers of the
    /// cluster's configuration, as segments are: a write goes to every node, and every
    /// gateway learns it with its next configuration sync.
    func addStrategyRoutes(to routes: RouterGroup<GatewayRequestContext>) {
        routes.get("/v1/strategies") { _, _ in
            try JSONCoding.response(["strategies": Placement.allCases.map(self.strategyView)])
        }
        routes.get("/v1/strategies/{placement}") { _, context in
            try JSONCoding.response(self.strategyView(try Self.placement(context)))
        }
        routes.put("/v1/strategies/{placement}") { request, context in
            let placement = try Self.placement(context)
            let settings = try await JSONCoding.decode(StrategySettings.self, from: request)
            do throws(ValidationError) { try settings.validate() } catch { throw APIError(error) }
            return try await self.saveStrategy(settings, for: placement, by: context.caller?.keyID ?? "open")
        }
        routes.delete("/v1/strategies/{placement}") { _, context in
            let placement = try Self.placement(context)
            // A reset is a version of its own (the built-in values, nothing saved), so
            // that the history keeps who reset it and what came before.
            guard let held = self.strategies.entry(id: placement.rawValue), !held.definition.settings.isBuiltIn else {
                return try JSONCoding.response(self.strategyView(placement))
            }
            return try await self.saveStrategy(
                StrategySettings(note: "reset to the built-in defaults"), for: placement, by: context.caller?.keyID ?? "open"
            )
        }
    }

    /// `request` with what it leaves unset filled from its placement's saved settings
    /// (``StrategySettings/filling(_:scoredStrategy:)``); unchanged while none are saved.
    func fillingFromStrategySettings(_ request: RecommendationRequest, scoredStrategy: Strategy?) -> RecommendationRequest {
        guard let settings = strategies.entry(id: request.placement.rawValue)?.definition.settings else { return request }
        return settings.filling(request, scoredStrategy: scoredStrategy)
    }

    private func strategyView(_ placement: Placement) -> StrategyView {
        StrategyView(placement: placement, entry: strategies.entry(id: placement.rawValue))
    }

    /// Writes `settings` as `placement`'s next version, the held version's change put
    /// first in its history, and sends it to every node.
    private func saveStrategy(_ settings: StrategySettings, for placement: Placement, by keyID: String) async throws -> Response {
        let held = strategies.entry(id: placement.rawValue)
        let heldChange = held.map {
            StrategyChange(
                version: $0.record.version, updatedMs: $0.record.updatedMs, updatedBy: $0.record.updatedBy,
                note: $0.definition.settings.note, changed: $0.definition.changed
            )
        }
        let next = StrategyRecord.next(after: held?.definition, heldChange: heldChange, settings: settings)
        let record = try strategies.put(id: placement.rawValue, definition: next, by: keyID)
        let (stored, nodes) = try await store(record, .strategy)
        guard let entry = strategies.entry(id: placement.rawValue), entry.record.version == record.version else {
            throw APIError(status: .conflict, field: nil, problem: "a newer write of the \(placement.rawValue) strategy arrived meanwhile")
        }
        var view = StrategyView(placement: placement, entry: entry)
        (view.register.storedOn, view.register.nodes) = (stored, nodes)
        return try JSONCoding.response(view)
    }

    /// The `{placement}` of the path; 404 naming the placements when it is none.
    private static func placement(_ context: GatewayRequestContext) throws -> Placement {
        let name = try context.parameters.require("placement")
        guard let placement = Placement(rawValue: name) else {
            throw APIError(
                status: .notFound, field: "placement",
                problem: "no placement '\(name)'; placements are \(Placement.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return placement
    }
}
