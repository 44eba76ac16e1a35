import Foundation
import HTTPTypes
import Hummingbird
import TailorJourneys
import TailorModel
import TailorWire

/// A decision point as the API shows it: the definition's fields as `PUT` took them
/// and the register's (version, when, by whom).
struct DecisionPointView: Encodable, Sendable {
    var definition: DecisionPointDefinition
    var register: RegisterFields

    init(_ entry: DefinitionBook<DecisionPointDefinition>.Entry) {
        definition = entry.definition
        register = RegisterFields(entry.record)
    }

    func encode(to encoder: any Encoder) throws {
        try definition.encode(to: encoder)
        try register.encode(to: encoder)
    }
}

extension GatewayService {
    /// `/v1/decision-points`: list, and `PUT`/`GET`/`DELETE` one (private or admin keys).
    func addDecisionPointRoutes(to routes: RouterGroup<GatewayRequestContext>) {
        routes.get("/v1/decision-points") { _, _ in
            try JSONCoding.response(["decisionPoints": self.decisionPoints.entries.map(DecisionPointView.init)])
        }
        routes.put("/v1/decision-points/{id}") { request, context in
            let id = try Self.decisionPointID(context)
            let definition = try await JSONCoding.decode(DecisionPointDefinition.self, from: request)
            do throws(ValidationError) { try definition.validate() } catch { throw APIError(error) }
            // Checked against the segments this gateway knows: a rule naming none would never apply.
            if let unknown = definition.unknownSegment(known: { self.segments.entry(id: $0) != nil }) {
                throw APIError(unknown, status: .unprocessableContent)
            }
            let isNew = self.decisionPoints.entry(id: id) == nil
            let record = try self.decisionPoints.put(id: id, definition: definition, by: context.caller?.keyID ?? "open")
            let (stored, nodes) = try await self.store(record, .decisionPoint)
            guard let entry = self.decisionPoints.entry(id: id) else {
                throw APIError(status: .conflict, field: nil, problem: "a newer write of decision point '\(id)' arrived meanwhile")
            }
            var view = DecisionPointView(entry)
            (view.register.storedOn, view.register.nodes) = (stored, nodes)
            return try JSONCoding.response(view, status: isNew ? .created : .ok)
        }
        routes.get("/v1/decision-points/{id}") { _, context in
            let id = try Self.decisionPointID(context)
            guard let entry = self.decisionPoints.entry(id: id) else { throw Self.noDecisionPoint(id) }
            return try JSONCoding.response(DecisionPointView(entry))
        }
        routes.delete("/v1/decision-points/{id}") { _, context in
            let id = try Self.decisionPointID(context)
            guard let record = self.decisionPoints.delete(id: id, by: context.caller?.keyID ?? "open") else { throw Self.noDecisionPoint(id) }
            let (stored, nodes) = try await self.store(record, .decisionPoint)
            return try JSONCoding.response(DefinitionDeleted(id: id, deleted: true, storedOn: stored, nodes: nodes))
        }
    }

    private static func decisionPointID(_ context: GatewayRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        do throws(ValidationError) { try DecisionPointDefinition.checkID(id) } catch { throw APIError(error) }
        return id
    }

    private static func noDecisionPoint(_ id: String) -> APIError {
        APIError(status: .notFound, field: "id", problem: "no decision point '\(id)'")
    }
}
