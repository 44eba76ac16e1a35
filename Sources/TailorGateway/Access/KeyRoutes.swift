import Foundation
import Hummingbird
import TailorModel
import TailorWire

/// `POST /v1/keys`: what a new key is for.
struct KeyCreateRequest: Decodable, Sendable {
    var role: APIRole
    var name: String
    /// Public keys: the origins (`https://shop.example`, `http://localhost:3000`) a
    /// browser may call from; `*` allows any. Required for public keys, refused for others.
    var origins: [String]?
    /// Requests per second at each gateway; the role's default when absent.
    var ratePerSecond: Double?

    static let maximumOrigins = 20
    static let maximumOriginBytes = 200
    static let maximumNameBytes = 100
    static let maximumRate = 100_000.0

    func validate() throws(ValidationError) {
        try Check.text(name, "name", maxBytes: Self.maximumNameBytes)
        if let ratePerSecond { try Check.number(ratePerSecond, "ratePerSecond", min: 0.1, max: Self.maximumRate) }
        switch role {
        case .public:
            guard let origins, !origins.isEmpty else {
                throw ValidationError(field: "origins", problem: "a public key lists the origins browsers may call from (e.g. [\"https://shop.example\"], or [\"*\"] for any)")
            }
            try Check.count(origins.count, "origins", max: Self.maximumOrigins)
            for (index, origin) in origins.enumerated() where !Self.isOrigin(origin) {
                throw ValidationError(field: "origins[\(index)]", problem: "must be `*` or scheme://host[:port] (http or https, no path), at most \(Self.maximumOriginBytes) bytes")
            }
        case .private, .admin:
            if let origins, !origins.isEmpty {
                throw ValidationError(field: "origins", problem: "only public keys are used from browsers; a \(role.rawValue) key takes no origins")
            }
        }
    }

    /// `*`, or what browsers send as `Origin`: scheme, host and optional port.
    static func isOrigin(_ text: String) -> Bool {
        if text == "*" { return true }
        guard text.utf8.count <= maximumOriginBytes, let components = URLComponents(string: text),
            let scheme = components.scheme, ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else { return false }
        return components.path.isEmpty && components.query == nil && components.fragment == nil && components.user == nil
    }
}

/// A key as `GET /v1/keys` lists it: never its text or hash.
struct KeyView: Encodable, Sendable {
    var id: String
    var role: String
    var name: String
    var origins: [String]
    var ratePerSecond: Double?
    var createdAt: Date
    var revoked: Bool
    var revokedAt: Date?

    init(_ record: WireKeyRecord) {
        id = record.id
        role = record.role
        name = record.name
        origins = record.origins
        ratePerSecond = record.ratePerSecond > 0 ? record.ratePerSecond : nil
        createdAt = Date(timeIntervalSince1970: Double(record.createdMs) / 1000)
        revoked = record.revoked
        revokedAt = record.revoked ? Date(timeIntervalSince1970: Double(record.version) / 1000) : nil
    }
}

/// `POST /v1/keys`'s answer: the key's text, shown this once.
struct KeyCreated: Encodable, Sendable {
    var key: String
    var id: String
    var role: String
    var name: String
    var origins: [String]
    var ratePerSecond: Double?
    var createdAt: Date
    /// Nodes that stored it before the answer, of those in the cluster.
    var storedOn: Int
    var nodes: Int

    init(key: String, record: WireKeyRecord, storedOn: Int, nodes: Int) {
        let listed = KeyView(record)
        self.key = key
        id = listed.id
        role = listed.role
        name = listed.name
        origins = listed.origins
        ratePerSecond = listed.ratePerSecond
        createdAt = listed.createdAt
        self.storedOn = storedOn
        self.nodes = nodes
    }
}

struct KeyRevoked: Encodable, Sendable {
    var id: String
    var revoked: Bool
    var storedOn: Int
    var nodes: Int
}

extension GatewayService {
    func addKeyRoutes(to routes: RouterGroup<GatewayRequestContext>) {
        routes.post("/v1/keys") { request, _ in
            let keys = try self.requireKeys()
            let body = try await JSONCoding.decode(KeyCreateRequest.self, from: request)
            do throws(ValidationError) { try body.validate() } catch { throw APIError(error) }
            let (record, key) = keys.create(role: body.role, name: body.name, origins: body.origins ?? [], ratePerSecond: body.ratePerSecond ?? 0)
            let (stored, nodes) = await self.replicate([record])
            guard stored > 0 else {
                // Stored nowhere: withdraw it (the revocation reaches the nodes with the next sync).
                _ = keys.revoke(id: record.id)
                throw APIError(status: .serviceUnavailable, field: nil, problem: "no node stored the key; it was withdrawn, try again")
            }
            return try JSONCoding.response(KeyCreated(key: key, record: record, storedOn: stored, nodes: nodes), status: .created)
        }
        routes.get("/v1/keys") { _, _ in
            let keys = try self.requireKeys()
            return try JSONCoding.response(["keys": keys.records.map(KeyView.init)])
        }
        routes.delete("/v1/keys/{id}") { _, context in
            let keys = try self.requireKeys()
            let id = try context.parameters.require("id")
            if id == KeyRing.bootstrapID {
                throw APIError(
                    status: .badRequest, field: "id",
                    problem: "the bootstrap admin key is configured, not stored: change its file or TAILOR_ADMIN_KEY and restart the gateways"
                )
            }
            guard let record = keys.revoke(id: id) else { throw APIError(status: .notFound, field: "id", problem: "no key '\(id)'") }
            let (stored, nodes) = await self.replicate([record])
            guard stored > 0 else {
                // Refused here already; the next sync carries it to the nodes. Saying 503
                // makes the caller retry, which is safe: a revocation is idempotent.
                throw APIError(
                    status: .serviceUnavailable, field: nil,
                    problem: "revoked on this gateway, but no node stored the revocation yet; retry to make sure every gateway learns it"
                )
            }
            return try JSONCoding.response(KeyRevoked(id: id, revoked: true, storedOn: stored, nodes: nodes))
        }
    }

    private func requireKeys() throws -> KeyRing {
        guard let keys = access.keys else {
            throw APIError(status: .conflict, field: nil, problem: "this gateway runs without keys (--insecure-no-auth): there are none to manage")
        }
        return keys
    }
}
