/// Whether the public API asks for keys.
package enum AccessMode: Sendable {
    /// `--insecure-no-auth` (and `tailor local` without `--admin-key-file`): every
    /// caller may do everything. Logged as a warning at start and on every `/readyz`.
    case open
    /// Keys: the bootstrap admin key (from a file or `TAILOR_ADMIN_KEY`) and the keys
    /// made with it (`POST /v1/keys`), replicated through the nodes.
    case keys(bootstrapAdminKey: String, rateLimits: RateLimits)

    /// The bootstrap admin key's shortest length.
    package static let minimumAdminKeyLength = 32

    package var isOpen: Bool {
        if case .open = self { return true }
        return false
    }
}

/// Requests per second each key may make at one gateway (a token bucket holding two
/// seconds' worth), by role; a key may carry its own rate instead.
package struct RateLimits: Sendable, Hashable {
    package var publicPerSecond: Double
    package var privatePerSecond: Double
    package var adminPerSecond: Double

    /// A storefront's public key serves every shopper of the shop, so its default is
    /// the highest; an admin key is for people and scripts.
    package static let defaults = RateLimits(publicPerSecond: 2_000, privatePerSecond: 1_000, adminPerSecond: 50)

    package init(publicPerSecond: Double, privatePerSecond: Double, adminPerSecond: Double) {
        self.publicPerSecond = publicPerSecond
        self.privatePerSecond = privatePerSecond
        self.adminPerSecond = adminPerSecond
    }

    package func perSecond(_ role: APIRole) -> Double {
        switch role {
        case .public: publicPerSecond
        case .private: privatePerSecond
        case .admin: adminPerSecond
        }
    }
}
