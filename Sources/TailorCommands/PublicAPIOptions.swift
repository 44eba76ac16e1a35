import ArgumentParser
import TailorGateway
import TailorModel
import TailorMembership
import TailorSettings

/// How a member serving the public API serves it: `tailor gateway`, and `tailor node
/// --public-listen` (a node that coordinates requests itself).
struct PublicAPIOptions: ParsableArguments {
    @Option(help: "A file holding the bootstrap admin key (at least 32 characters, e.g. `openssl rand -hex 32`): the key that makes the others (POST /v1/keys). Or set TAILOR_ADMIN_KEY.")
    var adminKeyFile: String?

    @Option(help: "Requests per second a public key may make at this member, unless the key sets its own (a bucket holds two seconds' worth).")
    var rateLimitPublic: Double = RateLimits.defaults.publicPerSecond

    @Option(help: "Requests per second a private key may make at this member, unless the key sets its own.")
    var rateLimitPrivate: Double = RateLimits.defaults.privatePerSecond

    @Option(help: "Requests per second an admin key may make at this member, unless the key sets its own.")
    var rateLimitAdmin: Double = RateLimits.defaults.adminPerSecond

    @Option(help: "W: replicas that must store a write before it is acknowledged (default: min(2, R)).")
    var writeQuorum: Int?

    @Option(help: "End-to-end deadline of a recommendation in ms; partitions that miss it make the answer degraded.")
    var deadlineMs: Int = 250

    @Option(help: "What a request without a personalization field means: assumed (consent granted) or required (denied: nothing stored against the shopper, answers not personalised).")
    var consent: ConsentPolicy = .assumed

    @Option(help: "How long this member keeps each recommendation's decision trace in memory (GET /v1/recommendations/{id}/trace; at most 10,000 traces, the oldest dropped first), e.g. 1h or 10m; 0 traces nothing.")
    var traceRetention = "1h"

    @Option(help: "The share of recommendations traced, 0 to 1: tracing adds work to every traced recommendation (docs/trace.md); the others cost nothing extra. An admin key's recommendations (the console's) are always traced.")
    var traceSample = GatewayConfiguration.defaultTraceSample

    func validate(replicas: Int) throws {
        if let writeQuorum, !(1...replicas).contains(writeQuorum) {
            throw ValidationError("--write-quorum must be between 1 and --replicas (\(replicas))")
        }
        guard (1...60_000).contains(deadlineMs) else { throw ValidationError("--deadline-ms must be between 1 and 60000") }
        guard traceSample.isFinite, (0...1).contains(traceSample) else { throw ValidationError("--trace-sample must be between 0 and 1") }
        guard traceRetention == "0" || DurationText.parse(traceRetention).map({ $0 <= .seconds(7 * 86_400) }) == true else {
            throw ValidationError("--trace-retention: '\(traceRetention)' is not 0 or a duration of at most 7d (1h, 10m)")
        }
        for (flag, value) in [("--rate-limit-public", rateLimitPublic), ("--rate-limit-private", rateLimitPrivate), ("--rate-limit-admin", rateLimitAdmin)]
        where !(value.isFinite && value > 0 && value <= 1_000_000) {
            throw ValidationError("\(flag) must be a number of requests per second between 0 and 1000000")
        }
    }

    /// Keys with the bootstrap admin key, or open under `--insecure-no-auth` without one.
    func access(insecureNoAuth: Bool, command: String) throws -> AccessMode {
        guard let key = try TrustOptions.adminKey(file: adminKeyFile) else {
            guard insecureNoAuth else {
                throw ValidationError(
                    "tailor \(command) needs the bootstrap admin key: --admin-key-file PATH or \(TrustOptions.adminKeyVariable) (at least \(AccessMode.minimumAdminKeyLength) characters, e.g. `openssl rand -hex 32`). --insecure-no-auth runs without keys, for development only."
                )
            }
            return .open
        }
        return .keys(
            bootstrapAdminKey: key,
            rateLimits: RateLimits(publicPerSecond: rateLimitPublic, privatePerSecond: rateLimitPrivate, adminPerSecond: rateLimitAdmin)
        )
    }

    /// The public API's configuration, listening at `listen`.
    func configuration(
        listen: Endpoint, cluster: ClusterOptions, trust: TrustOptions, command: String
    ) throws -> GatewayConfiguration {
        var configuration = GatewayConfiguration(
            listen: listen, members: try cluster.parsedMembers(), partitionCount: cluster.partitions,
            replicationFactor: cluster.replicas, writeQuorum: writeQuorum, recommendationDeadline: .milliseconds(deadlineMs),
            trust: try trust.trust(command: command), access: try access(insecureNoAuth: trust.insecureNoAuth, command: command)
        )
        configuration.advertiseHost = cluster.advertiseHost
        configuration.seeds = try cluster.parsedSeeds()
        configuration.consent = consent
        configuration.traceSample = traceSample
        configuration.traceRetention = traceRetention == "0" ? .zero : DurationText.parse(traceRetention) ?? GatewayConfiguration.defaultTraceRetention
        return configuration
    }
}

extension ConsentPolicy: ExpressibleByArgument {}
