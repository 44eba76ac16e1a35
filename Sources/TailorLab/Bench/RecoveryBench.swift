import Foundation
import TailorProcess
import HTTPTypes
import TailorCRDT
import TailorHTTP2
import TailorMembership
import TailorModel
import TailorNode
import TailorScoring
import TailorStore
import TailorSettings

/// The recovery half of ``IngestBenchCommand``: a node's store with `events` events (and
/// what a node stores with them: their catalog contributions, 20,000 products), then
/// `tailor node` started on it and timed until `/readyz` answers 200.
struct RecoveryBench {
    let executable: String
    /// The node's data folder.
    let directory: URL
    let events: Int
    let port: Int
    let durability: NodeStore.Durability

    static let partitions = 32

    func run() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("node.sqlite").path
        if FileManager.default.fileExists(atPath: path) {
            print("\nrecovery: reusing the store in \(directory.path)")
        } else {
            let written = try write(path: path)
            print("\nrecovery: a store of \(events) events, \(written.records) records in all, written in \(String(format: "%.1f", written.seconds)) s")
        }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
            + ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0)
        print("  store: \(bytes >> 20) MiB")

        let processes = MemberProcesses(output: .inherit, environment: ProcessInfo.processInfo.environment.merging(ClusterCredentials.random().environment) { $1 })
        let started = ContinuousClock.now
        try processes.start("n1", .init(executable: executable, arguments: [
            "node", "--name", "n1", "--listen", "127.0.0.1:\(port)", "--members", "n1=127.0.0.1:\(port)", "--replicas", "1",
            "--partitions", String(Self.partitions), "--data-dir", directory.path, "--durability", durability.rawValue, "--log-level", "info",
        ]))
        defer { processes.signalAndWait("n1", .terminate) }
        let client = HTTP2Client()
        defer { Task { await client.shutdown() } }
        var ready = true
        do {
            try await processes.waitUntil(timeout: .seconds(120), interval: .milliseconds(20), what: "the node") {
                let response = try? await client.call(HTTP2Peer(host: "127.0.0.1", port: port), method: .get, path: "/readyz", timeout: .seconds(1))
                return response?.status == .ok
            }
        } catch {
            ready = false
        }
        let took = DurationText.seconds(ContinuousClock.now - started)
        guard ready else { throw BenchError("the node was not ready within 120 s") }
        print("  tailor node started → /readyz 200 in \(String(format: "%.2f", took)) s (goal ≤ 10 s); resident memory then \(Self.residentMiB(processes.pid(of: "n1")!)) MiB")
    }

    /// Writes the store as a node would have it; returns the records and the seconds it took.
    private func write(path: String) throws -> (records: Int, seconds: Double) {
        let store = try NodeStore(path: path, durability: durability)
        let started = ContinuousClock.now
        let shardMap = ShardMap(partitionCount: Self.partitions, replicationFactor: 1, members: ["n1"])
        func partition(_ key: String) -> Int { shardMap.partition(of: key) }
        var records = (0..<20_000).map { index -> (partition: Int, record: ReplicatedRecord) in
            let product = Product(
                id: "p\(index)", title: "Product \(index)", categoryPath: ["Home", "Kitchen"], brand: "Acme", price: 19.9, version: 1
            )
            return (partition(product.id), .product(product))
        }
        var total = 0
        var generator = SyntheticEvents(shoppers: max(1, events / 10), products: 20_000, seed: 7)
        var profiles: [String: ShopperProfile] = [:]
        // Contributions travel as the gateway routes them: per batch of 100 events, each
        // catalog partition's part as one record.
        var batch: [Int: [EventContributions]] = [:]
        for number in 0..<events {
            let event = generator.next()
            records.append((partition(event.shopper), .event(event)))
            if let contributions = profiles[event.shopper, default: ShopperProfile()].record(event) {
                for target in Set(contributions.catalogProducts.map(partition)) {
                    batch[target, default: []].append(contributions.restricted(to: target, partitionOf: partition))
                }
            }
            if number % 100 == 99 || number == events - 1 {
                let key = "batch-\(number / 100)"
                for (target, part) in batch { records.append((target, .contributions(part, key: key))) }
                batch.removeAll(keepingCapacity: true)
            }
            if records.count >= 50_000 {
                total += try store.commit(records).count
                records.removeAll(keepingCapacity: true)
            }
        }
        total += try store.commit(records).count
        return (total, DurationText.seconds(ContinuousClock.now - started))
    }

    static func residentMiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}
