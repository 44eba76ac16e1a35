import Foundation
import TailorProcess
import TailorClient
import NIOPosix
import TailorCRDT
import TailorMembership
import TailorModel
import TailorNode
import TailorStore
import TailorSettings

/// The ingest half of ``IngestBenchCommand``.
struct IngestBench {
    let executable: String
    let root: URL
    let batches: [Int]
    let rates: [Double]
    let duration: Duration
    let warmup: Duration
    let replicas: Int
    let writeQuorum: Int?
    let connections: Int
    let port: Int
    let nodePort: Int
    let durability: NodeStore.Durability

    func run() async throws {
        print("\nraw SQLite (TailorStore.commit, one transaction per batch, event records, one thread):")
        var raw: [Int: Double] = [:]
        for batch in batches {
            let rate = try Self.rawCommitRate(batch: batch, path: root.appendingPathComponent("reference-\(batch).sqlite").path, durability: durability)
            raw[batch] = rate
            print("  batch \(batch): \(Int(rate)) events/s (\(Int(rate / Double(batch))) commits/s)")
        }

        let processes = MemberProcesses(output: .discardOutput)
        try processes.start("local", .init(executable: executable, arguments: [
            "local", "--no-demo", "--replicas", String(replicas), "--port", String(port), "--node-port", String(nodePort),
            "--data-dir", root.appendingPathComponent("cluster").path, "--durability", durability.rawValue, "--log-level", "warning",
        ] + (writeQuorum.map { ["--write-quorum", String($0)] } ?? [])))
        defer { processes.signalAndWait("local", .terminate) }
        let api = PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: port))
        do {
            try await processes.waitUntil(timeout: .seconds(60), what: "the local cluster") { await api.isReady() }
        } catch {
            throw BenchError("\(error)")
        }
        let members = ProcessCPU.children(of: processes.pid(of: "local")!)
        guard let cpu = ProcessCPU(pids: members) else { throw BenchError("cannot read the cluster's CPU time from /proc") }
        let w = writeQuorum ?? min(2, replicas)
        print("\ncluster: tailor local --no-demo, 3 nodes + gateway, R = \(replicas), W = \(w); \(connections) connections, open loop, \(DurationText.describe(duration)) per rate")
        print("| batch | offered events/s | acknowledged events/s | of raw SQLite | p50 ms | p99 ms | errors | dropped | cluster CPU cores | CPU µs per event |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        let target = GatewayAddress(host: "127.0.0.1", port: port)
        let runner = LoadRun(
            settings: LoadRun.Settings(target: target, connections: connections, warmup: warmup, duration: duration, cpu: cpu),
            group: MultiThreadedEventLoopGroup.singleton
        )
        var best: [Int: Double] = [:]
        for batch in batches {
            for (index, eventRate) in rates.enumerated() {
                let mix = LoadMix.Configuration(
                    shoppers: 100_000, products: 20_000, eventsShare: 1, seed: UInt64(batch * 100 + index),
                    eventIDPrefix: "ingest-\(ProcessControl.currentPID)-\(batch)-\(index)", eventsPerBatch: batch
                )
                let result = await runner.run(rate: eventRate / Double(batch), mix: mix)
                let events = LoadReport.Kind(result.tally.events, duration: result.duration)
                let acknowledged = events.achievedPerSecond * Double(batch)
                let seconds = DurationText.seconds(result.duration)
                // The cluster's processes, not the load generator (the last watched).
                let clusterCPU = result.cpu.dropLast().compactMap(\.self).reduce(0.0) { $0 + DurationText.seconds($1) }
                let held = events.errorCount == 0 && events.dropped == 0 && acknowledged >= 0.95 * eventRate
                if held { best[batch] = max(best[batch] ?? 0, acknowledged) }
                print(
                    "| \(batch) | \(Int(eventRate)) | \(Int(acknowledged)) | \(String(format: "%.2f", acknowledged / (raw[batch] ?? 1))) | "
                        + "\(String(format: "%.1f", events.latencyMs.p50)) | \(String(format: "%.1f", events.latencyMs.p99)) | "
                        + "\(events.errorCount) | \(events.dropped) | \(String(format: "%.2f", clusterCPU / seconds)) | "
                        + "\(acknowledged > 0 ? String(format: "%.0f", clusterCPU * 1e6 / (acknowledged * seconds)) : "-") |"
                )
                fflush(nil)
                if !held { break }
            }
        }
        print("\nhighest rate held (no error, no drop, ≥ 95 % of the offered rate acknowledged), against raw SQLite commits of the same batch size:")
        for batch in batches {
            let held = best[batch] ?? 0
            print("  batch \(batch): \(Int(held)) events/s acknowledged; raw SQLite \(Int(raw[batch] ?? 0)) events/s; ratio \(String(format: "%.2f", held / (raw[batch] ?? 1)))")
        }
    }

    /// Event records committed per second straight into a store, `batch` per transaction, for 3 s.
    static func rawCommitRate(batch: Int, path: String, durability: NodeStore.Durability) throws -> Double {
        let store = try NodeStore(path: path, durability: durability)
        var generator = SyntheticEvents(shoppers: 100_000, products: 20_000, seed: UInt64(batch))
        let shardMap = ShardMap(partitionCount: 32, replicationFactor: 1, members: ["n1"])
        let started = ContinuousClock.now
        var committed = 0
        while ContinuousClock.now - started < .seconds(3) {
            let records = (0..<batch).map { _ in
                let event = generator.next()
                return (partition: shardMap.partition(of: event.shopper), record: ReplicatedRecord.event(event))
            }
            try store.commit(records)
            committed += batch
        }
        return Double(committed) / DurationText.seconds(ContinuousClock.now - started)
    }
}

/// Events as shops send them, seeded: Zipf-like shoppers and products (a few are
/// frequent), views mostly, some carts and purchases, an hour of time.
struct SyntheticEvents {
    private var random: SplitMix64
    private let shoppers: ScatteredZipf
    private let products: ScatteredZipf
    private var number = 0

    init(shoppers: Int, products: Int, seed: UInt64) {
        random = SplitMix64(seed: seed)
        self.shoppers = ScatteredZipf(count: shoppers, exponent: 0.8)
        self.products = ScatteredZipf(count: products, exponent: 0.9)
    }

    mutating func next() -> StoredEvent {
        number += 1
        let roll = random.nextUnit()
        let type: EventType = roll < 0.75 ? .view : roll < 0.93 ? .addToCart : .purchase
        let shopper = "s\(shoppers.next(using: &random))"
        return StoredEvent(
            id: "syn-\(number)", type: type, shopper: shopper, session: "\(shopper)-1",
            products: [ProductRef(id: "p\(products.next(using: &random))", category: "Home > Kitchen", brand: "Acme", price: 19.9)],
            quantity: type == .view ? 1 : 1 + Int(random.nextUnit() * 2), atMillis: 1_790_000_000_000 + Int64(number) * 3
        )
    }
}
