import ArgumentParser
import TailorCommands
import Foundation
import TailorProcess
import NIOPosix
import TailorStore
import TailorSettings

/// `tailor-lab bench ingest`: acknowledged events per second through a local cluster, next
/// to the raw SQLite commit rate of the same machine; and the recovery time of a node
/// whose store holds a million events.
struct IngestBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Acknowledged events/s for batch sizes 1, 10, 100 next to raw SQLite commits; recovery time of a node holding 1M events.",
        discussion: """
            Ingest: starts `tailor local --no-demo` (R and W as given, stores in a temporary folder), \
            then for each batch size offers POST /v1/events open-loop at rising event rates (each \
            event of its own shopper) until a rate is not held (errors, drops, or fewer than 95 % \
            acknowledged); prints every rate with p50/p99 and the CPU the cluster's processes spent. \
            In the same run it commits event records of the same sizes straight into a SQLite store \
            (TailorStore, one transaction per batch, same durability) as the reference. \
            Recovery: writes N events (and their catalog contributions, as a node stores them) into a \
            node's store, starts `tailor node` on it, and times it until /readyz answers 200.
            """
    )

    @Option(help: "Batch sizes (events per POST), comma-separated.")
    var batches = "1,10,100"

    @Option(help: "Offered event rates to try per batch size, events/s, comma-separated, rising.")
    var eventRates = "1000,2500,5000,10000,15000,20000,30000,40000"

    @Option(help: "Measured time per rate.")
    var duration = "10s"

    @Option(help: "Unmeasured warm-up per rate.")
    var warmup = "2s"

    @Option(help: "R of the cluster.")
    var replicas = 2

    @Option(help: "W of the cluster (default min(2, R)).")
    var writeQuorum: Int?

    @Option(help: "Keep-alive connections of the load generator.")
    var connections = 32

    @Option(help: "The gateway's port; the nodes' ports follow --node-port.")
    var port = 28_080

    @Option(help: "The first node's internal port.")
    var nodePort = 28_101

    @Option(help: "Store durability of the nodes and of the reference: process or power.")
    var durability: NodeStore.Durability = .process

    @Option(help: "Events in the recovery measurement's store (0: skip it).")
    var recoveryEvents = 1_000_000

    @Option(help: "Keep the recovery measurement's store in this folder, and reuse it when it already holds one (skips writing it).")
    var recoveryDir: String?

    @Flag(help: "Only the recovery measurement.")
    var recoveryOnly = false

    func validate() throws {
        guard parsedBatches != nil else { throw ValidationError("--batches: comma-separated sizes 1...500") }
        guard parsedRates != nil else { throw ValidationError("--event-rates: comma-separated positive rates") }
        guard DurationText.parse(duration) != nil, DurationText.parse(warmup) != nil else { throw ValidationError("--duration and --warmup look like 10s") }
        guard (1...5).contains(replicas) else { throw ValidationError("--replicas must be 1...5") }
        if let writeQuorum, !(1...replicas).contains(writeQuorum) { throw ValidationError("--write-quorum must be 1...--replicas") }
        guard (0...20_000_000).contains(recoveryEvents) else { throw ValidationError("--recovery-events must be 0...20000000") }
    }

    var parsedBatches: [Int]? {
        let values = batches.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 500 }) else { return nil }
        return values.compactMap(\.self)
    }

    var parsedRates: [Double]? {
        let values = eventRates.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.compactMap(\.self)
    }

    func run() async throws {
        // The members are `tailor` processes: the executable next to this one.
        let executable = Executables.tailor
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-bench-ingest-\(getpid())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        print("ingest bench on \(ProcessInfo.processInfo.activeProcessorCount) cores; durability \(durability.rawValue)")
        if !recoveryOnly {
            let bench = IngestBench(
                executable: executable, root: root, batches: parsedBatches ?? [], rates: parsedRates ?? [],
                duration: DurationText.parse(duration)!, warmup: DurationText.parse(warmup)!, replicas: replicas,
                writeQuorum: writeQuorum, connections: connections, port: port, nodePort: nodePort, durability: durability
            )
            try await bench.run()
        }
        if recoveryEvents > 0 {
            let directory = recoveryDir.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("recovery-n1")
            let recovery = RecoveryBench(executable: executable, directory: directory, events: recoveryEvents, port: nodePort + 50, durability: durability)
            try await recovery.run()
        }
    }
}
