import Foundation
import HTTPTypes
import Hummingbird
import TailorModel
import TailorWire

/// What the routes of experiments, segments and decision points share: the id in the path, the
/// write to every node, and the view's register fields.
extension GatewayService {
    /// The `{id}` of the path, refused (400, field `id`) unless it is a ``ConfigID``.
    static func configID(_ context: GatewayRequestContext, _ what: String) throws -> String {
        let id = try context.parameters.require("id")
        guard ConfigID.isValid(id) else { throw APIError(status: .badRequest, field: "id", problem: "\(what) id has \(ConfigID.pattern)") }
        return id
    }

    /// Sends a register written here to every node; 503 when none stored it (the write
    /// holds on this gateway, but another gateway would not learn it).
    func store(_ record: WireExperimentRecord, _ kind: DefinitionKind) async throws -> (stored: Int, nodes: Int) {
        let (stored, nodes) = await replicate(WireConfigState(kind, [record]))
        guard stored > 0 else {
            throw APIError(
                status: .serviceUnavailable, field: nil,
                problem: record.deleted
                    ? "deleted on this gateway, but no node stored the deletion yet; retry to make sure every gateway learns it"
                    : "applied on this gateway, but no node stored it yet; retry (a PUT of the same body is safe)"
            )
        }
        return (stored, nodes)
    }
}

/// A register's own fields as views show them: which version, when and by which key.
struct RegisterFields: Encodable, Sendable {
    var id: String
    var version: Int64
    var updatedAt: Date
    /// The key id that wrote it (`default` for a shipped default, `none (open mode)` on a gateway without keys).
    var updatedBy: String
    var storedOn: Int?
    var nodes: Int?

    init(_ record: WireExperimentRecord) {
        id = record.id
        version = record.version
        updatedAt = Date(timeIntervalSince1970: Double(record.updatedMs) / 1000)
        updatedBy = record.updatedBy
    }
}

/// `DELETE`'s answer.
struct DefinitionDeleted: Encodable, Sendable {
    var id: String
    var deleted: Bool
    var storedOn: Int
    var nodes: Int
}
