import ArgumentParser
import Foundation
import Logging
import TailorGateway
import TailorProcess
import TailorTrust

/// How a member proves it belongs to the cluster, and (a gateway) who may call the
/// public API. Secrets come from files (the way Kubernetes mounts Secrets) or from
/// `TAILOR_CLUSTER_SECRET` / `TAILOR_ADMIN_KEY`; never from a flag's value, which
/// every user of the machine can read in the process list.
struct TrustOptions: ParsableArguments {
    @Option(help: "A file holding the cluster secret (at least 32 characters, e.g. `openssl rand -hex 32`), shared by every member: internal calls and gossip are signed with it. Or set TAILOR_CLUSTER_SECRET.")
    var clusterSecretFile: String?

    @Flag(help: "Run without a cluster secret (internal calls unsigned) and, for a gateway, without API keys (every caller is admin). Development only; logged as a warning.")
    var insecureNoAuth = false

    static let secretVariable = ClusterCredentials.secretVariable
    static let adminKeyVariable = ClusterCredentials.adminKeyVariable

    /// The secret's text from the file or the environment, nil when neither gives one.
    static func read(file: String?, variable: String, flag: String) throws -> String? {
        if let file {
            do { return try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("\(flag): cannot read '\(file)': \(error.localizedDescription)")
            }
        }
        return ProcessInfo.processInfo.environment[variable]
    }

    /// The trust of the secret in `secretFile`, else in `TAILOR_CLUSTER_SECRET`; nil when
    /// neither gives one.
    static func trust(secretFile: String?) throws -> ClusterTrust? {
        guard let text = try read(file: secretFile, variable: secretVariable, flag: "--cluster-secret-file") else { return nil }
        do { return ClusterTrust(secret: try ClusterSecret(text: text)) } catch { throw ValidationError(error.description) }
    }

    /// The bootstrap admin key in `file`, else in `TAILOR_ADMIN_KEY`, checked; nil when
    /// neither gives one.
    static func adminKey(file: String?) throws -> String? {
        guard let text = try read(file: file, variable: adminKeyVariable, flag: "--admin-key-file") else { return nil }
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard key.count >= AccessMode.minimumAdminKeyLength, !key.contains(where: \.isWhitespace) else {
            throw ValidationError(
                "the bootstrap admin key must be at least \(AccessMode.minimumAdminKeyLength) characters without spaces (e.g. `openssl rand -hex 32`)"
            )
        }
        return key
    }

    /// The cluster's trust: the secret, or open under `--insecure-no-auth` without one.
    func trust(command: String) throws -> ClusterTrust {
        guard let trust = try Self.trust(secretFile: clusterSecretFile) else {
            guard insecureNoAuth else {
                throw ValidationError(
                    "tailor \(command) needs the cluster secret: --cluster-secret-file PATH or \(Self.secretVariable) (at least \(ClusterSecret.minimumLength) characters, e.g. `openssl rand -hex 32`, the same on every member). --insecure-no-auth runs without one, for development only."
                )
            }
            return .open
        }
        return trust
    }

    /// Says at start what is not protected.
    func warnIfInsecure(_ trust: ClusterTrust, access: AccessMode?, logger: Logger) {
        if trust.isOpen {
            logger.warning("no cluster secret (--insecure-no-auth): any process that reaches this member's internal port can read, write and join")
        } else {
            logger.info("internal calls are signed with the cluster secret", metadata: ["secret fingerprint": "\(trust.secret?.fingerprint ?? "")"])
        }
        if let access, access.isOpen {
            logger.warning("the public API takes no keys (--insecure-no-auth): anyone who reaches it may read and erase every shopper's data")
        }
    }
}
