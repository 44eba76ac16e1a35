/// The secrets a cluster that tools and tests start for themselves runs with: a cluster
/// secret for its members and a bootstrap admin key for its gateways, fresh per run,
/// handed to the members through the environment (`TAILOR_CLUSTER_SECRET`,
/// `TAILOR_ADMIN_KEY`), as a deployment's Secret would.
package struct ClusterCredentials: Sendable {
    package var secret: String
    package var adminKey: String

    package static let secretVariable = "TAILOR_CLUSTER_SECRET"
    package static let adminKeyVariable = "TAILOR_ADMIN_KEY"

    package init(secret: String, adminKey: String) {
        self.secret = secret
        self.adminKey = adminKey
    }

    /// 32 random bytes each, as hex.
    package static func random() -> ClusterCredentials {
        ClusterCredentials(secret: randomHex(32), adminKey: randomHex(32))
    }

    /// The variables a member gets.
    package var environment: [String: String] { [Self.secretVariable: secret, Self.adminKeyVariable: adminKey] }

    /// What a gateway started by a tool or test takes besides the secrets: the admin key
    /// drives load and checks, so its rate is not the people-sized default.
    package static let gatewayArguments = ["--rate-limit-admin", "1000000"]

    private static func randomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<count * 2).map { _ in digits[Int.random(in: 0..<16, using: &generator)] })
    }
}
