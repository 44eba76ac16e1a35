import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import TailorMembership

/// Options every cluster member takes: who the nodes are, and the shard map's shape.
struct ClusterOptions: ParsableArguments {
    @Option(help: "The nodes the cluster starts with: name=host:port, comma-separated (the same list on every member started with the cluster). The first shard map, and seeds. A member joining a running cluster may give --seeds instead.")
    var members: String?

    @Option(help: "Addresses (host:port, comma-separated) of members to join the cluster through, besides --members.")
    var seeds: String?

    @Option(help: "The host other members reach this one at (default: the listen host).")
    var advertiseHost: String?

    @Option(help: "P: partitions in the cluster; every member must use the same value.")
    var partitions: Int = 32

    @Option(help: "R: replicas of each partition; every member must use the same value.")
    var replicas: Int = 2

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: ArgumentHelp("Exit when the process with this id is no longer the parent (used by `tailor local`).", visibility: .hidden))
    var parentPid: Int32?

    @Option(help: "Where Swift concurrency runs: event-loops (SwiftNIO's threads) or dispatch (the default global executor).")
    var executor: ConcurrencyExecutor = .eventLoops

    @Option(help: "Event-loop threads of this member (default: one per core).")
    var threads: Int?

    /// What `--threads` (and `tailor local`'s `--node-threads`, `--gateway-threads`) accept.
    static let threadCounts = 1...256

    /// Applies `--threads` and `--executor`; called first thing in a member's `run()`.
    /// Returns false when `--executor event-loops` could not be installed.
    @discardableResult
    func installExecutor() -> Bool {
        if let threads { NIOSingletons.groupLoopCountSuggestion = threads }
        guard executor == .eventLoops else { return true }
        // Request handlers then run on the threads that do the network I/O, instead of
        // hopping to Dispatch's pool and back on every await (measured in the README).
        // NIO installs itself through a runtime hook it finds with dlsym, which a
        // statically linked binary does not export: there it fails, and the handlers'
        // executor preferences (the HTTP/2 server's, ConnectionLoopMiddleware) keep
        // requests on their connections' loops instead.
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Says at start when `--executor event-loops` could not be installed.
    func reportExecutor(installed: Bool, logger: Logger) {
        guard !installed else { return }
        logger.info(
            "Swift concurrency's global executor stays Dispatch's pool (a statically linked binary does not export the hook --executor event-loops needs); request handlers run on their connections' event loops"
        )
    }

    /// The members named at start; empty when only `--seeds` is given.
    func parsedMembers() throws -> [MemberAddress] {
        guard let members else { return [] }
        switch MemberAddress.parseList(members) {
        case .success(let members): return members
        case .failure(let error): throw ValidationError("--members: \(error.message)")
        }
    }

    func parsedSeeds() throws -> [String] {
        guard let seeds else { return [] }
        return try seeds.split(separator: ",").map { entry in
            let text = entry.trimmingCharacters(in: .whitespaces)
            guard Endpoint(parsing: text) != nil else { throw ValidationError("--seeds: '\(text)' is not host:port") }
            return text
        }
    }

    func validateShape() throws {
        guard members != nil || seeds != nil else { throw ValidationError("give --members (the cluster's nodes at start) or --seeds (members to join through)") }
        _ = try parsedMembers()
        _ = try parsedSeeds()
        guard (1...65_536).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 65536") }
        guard (1...16).contains(replicas) else { throw ValidationError("--replicas must be between 1 and 16") }
        if let threads, !Self.threadCounts.contains(threads) {
            throw ValidationError("--threads must be between \(Self.threadCounts.lowerBound) and \(Self.threadCounts.upperBound)")
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `--executor`: what runs Swift concurrency's global executor in a member.
enum ConcurrencyExecutor: String, ExpressibleByArgument, CaseIterable {
    case eventLoops = "event-loops"
    case dispatch
}

/// Parses `host:port` for `--listen`.
struct ListenAddress: ExpressibleByArgument {
    var endpoint: Endpoint

    init?(argument: String) {
        guard let endpoint = Endpoint(parsing: argument) else { return nil }
        self.endpoint = endpoint
    }
}

enum LoggingSetup {
    /// Logs go to standard error, one line each, tagged with the member's name.
    static func bootstrap(level: Logger.Level, member: String) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            handler[metadataKey: "member"] = "\(member)"
            return handler
        }
    }
}
