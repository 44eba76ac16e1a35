import Foundation
import Synchronization
import TailorTrust
import TailorWire

/// The caller a request's key stands for.
package struct Caller: Sendable {
    /// The key's id (`bootstrap-admin` for the configured admin key): what audit lines name.
    package var keyID: String
    package var role: APIRole
    /// Public keys: where browsers may call from.
    package var origins: [String]
    /// Requests per second at this gateway.
    package var ratePerSecond: Double

    /// Whether a browser at `origin` may use the key: it lists the origin, or `*`.
    func allows(origin: String) -> Bool { Caller.lists(origin, in: origins) }

    /// `origins` holds `origin` or `*` (any): the rule for keys and for preflights.
    static func lists(_ origin: String, in origins: some Collection<String>) -> Bool {
        origins.contains(origin) || origins.contains("*")
    }
}

/// A gateway's API keys: the bootstrap admin key, and the replicated registers of
/// every key made through any gateway (``ConfigRegisters``; nodes store them). A
/// request's key is found by the SHA-256 of its text; the text itself is never kept.
package final class KeyRing: Sendable {
    package static let bootstrapID = "bootstrap-admin"

    private struct State {
        var registers = ConfigRegisters()
        /// Live keys by hash.
        var byHash: [String: WireKeyRecord] = [:]
        /// Origins of the live public keys (for CORS preflights, which carry no key).
        var origins: Set<String> = []
        /// Changed since the last sync was sent.
        var unsent = false
    }

    private let state = Mutex(State())
    private let bootstrapHash: String
    private let rateLimits: RateLimits
    /// The member name written into the registers this gateway writes.
    private let writer: String

    package init(bootstrapAdminKey: String, rateLimits: RateLimits, writer: String) {
        bootstrapHash = APIKeyText.hash(bootstrapAdminKey)
        self.rateLimits = rateLimits
        self.writer = writer
    }

    /// The caller `key` stands for, or nil for an unknown or revoked key.
    package func caller(key: String) -> Caller? {
        let hash = APIKeyText.hash(key)
        if hash == bootstrapHash {
            return Caller(keyID: Self.bootstrapID, role: .admin, origins: [], ratePerSecond: rateLimits.adminPerSecond)
        }
        guard let record = state.withLock({ $0.byHash[hash] }), let role = APIRole(rawValue: record.role) else { return nil }
        return Caller(
            keyID: record.id, role: role, origins: record.origins,
            ratePerSecond: record.ratePerSecond > 0 ? record.ratePerSecond : rateLimits.perSecond(role)
        )
    }

    /// Whether a live public key lists `origin`.
    package func allowsOrigin(_ origin: String) -> Bool {
        state.withLock { Caller.lists(origin, in: $0.origins) }
    }

    /// Makes a key: the register to replicate, and the key's text (shown once).
    package func create(role: APIRole, name: String, origins: [String], ratePerSecond: Double) -> (record: WireKeyRecord, key: String) {
        let key = APIKeyText.generate(rolePrefix: role.rawValue)
        var record = WireKeyRecord()
        record.id = "key_" + RandomText.hex(bytes: 6)
        record.role = role.rawValue
        record.name = name
        record.origins = origins
        record.hash = APIKeyText.hash(key)
        record.createdMs = Self.nowMillis
        record.version = record.createdMs
        record.writer = writer
        record.ratePerSecond = ratePerSecond
        merge([record])
        return (record, key)
    }

    /// Revokes the key with `id` here at once; answers its new register (nil: no such key).
    package func revoke(id: String) -> WireKeyRecord? {
        guard var record = state.withLock({ $0.registers.keys[id] }) else { return nil }
        if record.revoked { return record }
        record.revoked = true
        record.version = max(Self.nowMillis, record.version + 1)
        record.writer = writer
        merge([record])
        return record
    }

    /// Merges registers from a node or another gateway; answers how many changed.
    @discardableResult
    package func merge(_ records: [WireKeyRecord]) -> Int {
        state.withLock { state in
            var changed = 0
            for record in records where state.registers.merge(record) { changed += 1 }
            if changed > 0 {
                let live = state.registers.keys.values.filter { !$0.revoked }
                state.byHash = Dictionary(live.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
                state.origins = Set(live.filter { $0.role == APIRole.public.rawValue }.flatMap(\.origins))
            }
            return changed
        }
    }

    /// Every register held, revoked ones included, by id.
    package var records: [WireKeyRecord] { state.withLock { $0.registers.state.keys } }

    package func record(id: String) -> WireKeyRecord? { state.withLock { $0.registers.keys[id] } }

    package var configState: WireConfigState { state.withLock { $0.registers.state } }

    static var nowMillis: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
