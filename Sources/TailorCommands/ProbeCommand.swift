import ArgumentParser
import Foundation
import TailorClient
import HTTPTypes
import Logging
import TailorHTTP2
import TailorSettings
import TailorRPC
import TailorTrust

/// `tailor probe`: one GET, exit 0 on 200 — the health check of a container or a pod.
///
/// `http://host:port/path` asks over HTTP/1.1 (the gateway's public port);
/// `h2c://host:port/path` over HTTP/2 with prior knowledge (a node's internal port,
/// which speaks nothing else). The URL may come from `TAILOR_HEALTH_URL`, so one image
/// carries one `HEALTHCHECK` for both roles. A node refuses unsigned calls except
/// `GET /readyz`, so with the cluster secret (the member's own, as its container has it)
/// an `h2c://` probe signs its request: a liveness probe of `/internal/ping` works.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "GET a member's health endpoint; exit 0 when it answers 200 (for HEALTHCHECK and Kubernetes exec probes).",
        discussion: """
            Examples: tailor probe http://127.0.0.1:8080/readyz (a gateway), \
            tailor probe h2c://127.0.0.1:7101/readyz (a node). Without a URL, TAILOR_HEALTH_URL is used.
            """
    )

    static let environmentVariable = "TAILOR_HEALTH_URL"

    @Argument(help: "http://host:port/path (HTTP/1.1) or h2c://host:port/path (HTTP/2); default: $TAILOR_HEALTH_URL.")
    var url: String?

    @Option(help: "Give up after this many milliseconds.")
    var timeoutMs = 2_000

    @Option(help: "A file holding the cluster secret: an h2c:// probe signs its request with it (a node answers only GET /readyz unsigned). Or set TAILOR_CLUSTER_SECRET.")
    var clusterSecretFile: String?

    @OptionGroup var settings: SettingsOptions

    struct Target: Equatable {
        var http2: Bool
        var host: String
        var port: Int
        var path: String
    }

    static func target(_ text: String) throws -> Target {
        guard let components = URLComponents(string: text), let scheme = components.scheme, scheme == "http" || scheme == "h2c",
            let host = components.host, !host.isEmpty, let port = components.port
        else {
            throw ValidationError("'\(text)' is not http://host:port/path or h2c://host:port/path")
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return Target(http2: scheme == "h2c", host: host, port: port, path: path)
    }

    private var resolvedURL: String? { url ?? ProcessInfo.processInfo.environment[Self.environmentVariable] }

    func validate() throws {
        guard let resolvedURL else { throw ValidationError("give a URL or set \(Self.environmentVariable)") }
        _ = try Self.target(resolvedURL)
        guard (1...60_000).contains(timeoutMs) else { throw ValidationError("--timeout-ms must be 1...60000") }
    }

    func run() async throws {
        let target = try Self.target(resolvedURL ?? "")
        let status: Int?
        if target.http2 {
            var logger = Logger(label: "tailor.probe")
            logger.logLevel = .critical
            let headers = try signature(path: target.path)
            let client = HTTP2Client(logger: logger)
            let response = try? await client.call(
                HTTP2Peer(host: target.host, port: target.port), method: .get, path: target.path, headers: headers, timeout: .milliseconds(timeoutMs)
            )
            await client.shutdown()
            status = response.map { Int($0.status.code) }
        } else {
            var client = PublicAPIClient(gateway: GatewayAddress(host: target.host, port: target.port))
            client.timeout = .milliseconds(timeoutMs)
            status = await client.status(of: target.path)
        }
        guard status == 200 else {
            print("probe \(resolvedURL ?? ""): \(status.map { "status \($0)" } ?? "no answer")")
            throw ExitCode.failure
        }
        print("probe \(resolvedURL ?? ""): ok")
    }

    /// The cluster's signature for `GET path`, when a secret is given (none: unsigned).
    private func signature(path: String) throws -> HTTPFields {
        guard let trust = try TrustOptions.trust(secretFile: clusterSecretFile),
            let value = [UInt8]().withUnsafeBytes({ trust.signature(method: "GET", path: path, body: $0) })
        else { return [:] }
        return [ClusterTrust.signatureField: value]
    }
}
