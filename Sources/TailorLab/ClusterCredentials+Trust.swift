import TailorProcess
import TailorTrust

extension ClusterCredentials {
    /// The trust a tool's own internal calls to the cluster are signed with.
    var trust: ClusterTrust {
        // The secret is 64 hex digits by construction (``ClusterCredentials/random()``).
        ClusterTrust(secret: try! ClusterSecret(text: secret))
    }
}
