import Foundation
import HTTPTypes
import Hummingbird
import TailorJourneys
import TailorModel
import TailorWire

/// A segment as the API shows it: the definition's fields as `PUT` took them, the
/// register's (version, when, by whom), and the facts its rule reads.
struct SegmentView: Encodable, Sendable {
    var definition: SegmentDefinition
    var register: RegisterFields
    var facts: [String]

    enum CodingKeys: String, CodingKey { case facts }

    init(_ entry: DefinitionBook<SegmentDefinition>.Entry) {
        definition = entry.definition
        register = RegisterFields(entry.record)
        facts = entry.prepared.factNames
    }

    func encode(to encoder: any Encoder) throws {
        // One flat object, the shape `PUT` takes plus the register's fields.
        try definition.encode(to: encoder)
        try register.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(facts, forKey: .facts)
    }
}

extension GatewayService {
    /// `/v1/segments`: list, and `PUT`/`GET`/`DELETE` one (private or admin keys).
    func addSegmentRoutes(to routes: RouterGroup<GatewayRequestContext>) {
        routes.get("/v1/segments") { _, _ in
            try JSONCoding.response(["segments": self.segments.entries.map(SegmentView.init)])
        }
        routes.put("/v1/segments/{id}") { request, context in
            let id = try Self.configID(context, "a segment")
            let definition = try await JSONCoding.decode(SegmentDefinition.self, from: request)
            do throws(ValidationError) { try definition.validate() } catch { throw APIError(error) }
            let isNew = self.segments.entry(id: id) == nil
            let record = try self.segments.put(id: id, definition: definition, by: context.caller?.keyID ?? "open")
            let (stored, nodes) = try await self.store(record, .segment)
            guard let entry = self.segments.entry(id: id) else {
                throw APIError(status: .conflict, field: nil, problem: "a newer write of segment '\(id)' arrived meanwhile")
            }
            var view = SegmentView(entry)
            (view.register.storedOn, view.register.nodes) = (stored, nodes)
            return try JSONCoding.response(view, status: isNew ? .created : .ok)
        }
        routes.get("/v1/segments/{id}") { _, context in
            let id = try Self.configID(context, "a segment")
            guard let entry = self.segments.entry(id: id) else { throw Self.noSegment(id) }
            return try JSONCoding.response(SegmentView(entry))
        }
        routes.delete("/v1/segments/{id}") { _, context in
            let id = try Self.configID(context, "a segment")
            guard let record = self.segments.delete(id: id, by: context.caller?.keyID ?? "open") else { throw Self.noSegment(id) }
            let (stored, nodes) = try await self.store(record, .segment)
            return try JSONCoding.response(DefinitionDeleted(id: id, deleted: true, storedOn: stored, nodes: nodes))
        }
    }

    private static func noSegment(_ id: String) -> APIError {
        APIError(status: .notFound, field: "id", problem: "no segment '\(id)'")
    }
}
