import Foundation
import TailorProcess
import TailorClient
import HTTPTypes
import TailorHTTP2
import TailorSettings

/// One size of ``SizingBenchCommand``: a node and a gateway started, measured, the node
/// restarted from its store and measured again, everything stopped and removed.
struct SizingRun {
    struct Size: Sendable, Hashable {
        var shoppers: Int
        var products: Int
    }

    struct Measurement: Sendable {
        /// 0 × 0 for the empty reference.
        var size: Size
        var events: Int
        var loadSeconds: Double
        var nodeLoadedMiB: Double
        var gatewayMiB: Double
        var storeMiB: Double
        var restartSeconds: Double
        var nodeRestartedMiB: Double

        static let header = "shoppers  products    events  loaded in  node MiB  gateway MiB  store MiB  restarted in  node MiB after restart"

        var row: String {
            String(
                format: "%8d  %8d  %8d  %7.1f s  %8.0f  %11.0f  %9.0f  %10.1f s  %22.0f", size.shoppers, size.products, events, loadSeconds,
                nodeLoadedMiB, gatewayMiB, storeMiB, restartSeconds, nodeRestartedMiB
            )
        }
    }

    let executable: String
    let size: Size?
    let partitions: Int
    let port: Int
    let nodePort: Int
    let timeout: Duration
    /// The members' secret and admin key, fresh per run.
    let credentials = ClusterCredentials.random()

    func measure() async throws -> Measurement {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-sizing-\(ProcessControl.currentPID)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The members read no settings from this shell: a measurement never depends on
        // what happens to be set there.
        let processes = MemberProcesses(
            output: .logFiles(in: directory),
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TAILOR_") }.merging(credentials.environment) { $1 }
        )
        let nodeLog = processes.logFile(of: "node")!
        let members = "n1=127.0.0.1:\(nodePort)"
        let shared = ["--members", members, "--partitions", String(partitions), "--replicas", "1", "--log-level", "info"]
        let nodeArguments = ["node", "--name", "n1", "--listen", "127.0.0.1:\(nodePort)", "--data-dir", directory.appendingPathComponent("store").path] + shared
        var demoArguments: [String] = []
        if let size {
            demoArguments = ["--demo", "--demo-shoppers", String(size.shoppers), "--demo-products", String(size.products)]
        }

        let started = ContinuousClock.now
        try processes.start("node", .init(executable: executable, arguments: nodeArguments + demoArguments))
        try processes.start(
            "gateway", .init(executable: executable, arguments: ["gateway", "--listen", "127.0.0.1:\(port)"] + shared + ClusterCredentials.gatewayArguments)
        )
        defer { for name in processes.names { processes.signalAndWait(name, .kill) } }
        let api = PublicAPIClient(gateway: GatewayAddress(host: "127.0.0.1", port: port)).authorized(credentials.adminKey)
        let deadline = ContinuousClock.now + timeout
        // Loaded: the node has stored the shop (the demo's records are written after it is
        // ready) and the gateway holds the whole catalog.
        try await Self.wait(until: deadline, what: "the shop to load", processes: processes) {
            if size != nil, !Self.log(nodeLog).contains("demo shop stored") { return false }
            return await Self.catalogSize(api) == (size?.products ?? 0)
        }
        let loadSeconds = DurationText.seconds(ContinuousClock.now - started)
        let events = Self.firstNumber(after: "events=", in: Self.log(nodeLog)) ?? 0
        let nodeLoaded = Self.residentMiB(processes.pid(of: "node")!)
        let gatewayMiB = Self.residentMiB(processes.pid(of: "gateway")!)

        processes.signalAndWait("node", .terminate)
        let storeMiB = Self.diskMiB(directory.appendingPathComponent("store"))
        let restarted = ContinuousClock.now
        try processes.start("node", .init(executable: executable, arguments: nodeArguments))
        let client = HTTP2Client()
        try await Self.wait(until: deadline, what: "the node to restart from its store", processes: processes) {
            let response = try? await client.call(HTTP2Peer(host: "127.0.0.1", port: nodePort), method: .get, path: "/readyz", timeout: .seconds(1))
            return response?.status.code == 200
        }
        await client.shutdown()
        let restartSeconds = DurationText.seconds(ContinuousClock.now - restarted)
        let nodeRestarted = Self.residentMiB(processes.pid(of: "node")!)
        await processes.stopAll(grace: .seconds(3600))
        return Measurement(
            size: size ?? Size(shoppers: 0, products: 0), events: events, loadSeconds: loadSeconds, nodeLoadedMiB: nodeLoaded,
            gatewayMiB: gatewayMiB, storeMiB: storeMiB, restartSeconds: restartSeconds, nodeRestartedMiB: nodeRestarted
        )
    }

    /// Least squares of `value` above the empty reference on shoppers and products (no
    /// intercept: the empty member is measured), per million of each.
    static func fit(
        _ measurements: [Measurement], above empty: Measurement, _ value: KeyPath<Measurement, Double>
    ) -> (perMillionShoppers: Double, perMillionProducts: Double, worstError: Double) {
        var (ss, sp, pp, sy, py) = (0.0, 0.0, 0.0, 0.0, 0.0)
        for measurement in measurements {
            let s = Double(measurement.size.shoppers) / 1e6
            let p = Double(measurement.size.products) / 1e6
            let y = measurement[keyPath: value] - empty[keyPath: value]
            ss += s * s
            sp += s * p
            pp += p * p
            sy += s * y
            py += p * y
        }
        let determinant = ss * pp - sp * sp
        guard determinant.magnitude > 1e-12 else { return (0, 0, .infinity) }
        let a = (sy * pp - py * sp) / determinant
        let b = (py * ss - sy * sp) / determinant
        let worst = measurements.map { measurement in
            let predicted = a * Double(measurement.size.shoppers) / 1e6 + b * Double(measurement.size.products) / 1e6
            return (measurement[keyPath: value] - empty[keyPath: value] - predicted).magnitude
        }.max() ?? 0
        return (a, b, worst)
    }

    private static func wait(
        until deadline: ContinuousClock.Instant, what: String, processes: MemberProcesses, _ condition: () async -> Bool
    ) async throws {
        do {
            try await processes.waitUntil(timeout: deadline - ContinuousClock.now, interval: .milliseconds(500), what: what, condition)
        } catch {
            throw BenchError("\(error)")
        }
    }

    private static func log(_ url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    private static func firstNumber(after marker: String, in text: String) -> Int? {
        guard let range = text.range(of: marker) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// The gateway's catalog size from `GET /v1/cluster`, nil while it does not answer.
    private static func catalogSize(_ api: PublicAPIClient) async -> Int? {
        guard let (status, data) = try? await api.get("/v1/cluster"), status == 200,
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["gatewayCatalogSize"] as? Int
    }

    private static func residentMiB(_ pid: Int32) -> Double {
        Double(RecoveryBench.residentMiB(pid))
    }

    private static func diskMiB(_ directory: URL) -> Double {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.fileSizeKey])) ?? []
        let bytes = files.reduce(0) { $0 + ((try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }
        return Double(bytes) / 1_048_576
    }
}
