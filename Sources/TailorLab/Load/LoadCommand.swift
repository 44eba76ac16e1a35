import ArgumentParser
import Foundation
import TailorClient
import NIOCore
import NIOPosix
import TailorModel
import TailorSettings
import TailorProcess

/// `tailor-lab load`: open-loop HTTP/1.1 load on Tailor's public JSON API.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Open-loop load on the public API: offered vs achieved rate, p50…p99.9 latency, errors, degraded answers.",
        discussion: """
            Requests go out every 1/rate whatever the answers do; latency counts from each request's \
            scheduled send time, so a slow server cannot hide its queue (no coordinated omission). A \
            request waits when every connection is busy (that wait is latency); beyond \
            connections × 8 waiting it is dropped. A comma-separated --rate runs each rate in turn and \
            names the highest one that held the SLO. Exits 0 even with errors, unless the target \
            cannot be reached at the start.
            """
    )

    @Option(help: "The gateway, http://host:port; or a comma-separated list of them (every node's public API under `tailor local --api-on-nodes`), connections spread over them in turn.")
    var target: String = "http://127.0.0.1:8080"

    /// `--target`'s addresses; nil when one is not http://host:port.
    var targets: [GatewayAddress]? {
        let parsed = target.split(separator: ",").map { GatewayAddress($0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil }) else { return nil }
        return parsed.compactMap { $0 }
    }

    @Option(help: "Requests per second, or a comma-separated list of rates to run in turn.")
    var rate: String = "1000"

    @Option(help: "Measured time per rate: 30s, 500ms, 2m.")
    var duration: String = "30s"

    @Option(help: "Unmeasured warm-up per rate.")
    var warmup: String = "3s"

    @Option(help: "Keep-alive connections, one request in flight on each.")
    var connections: Int = 32

    @Option(help: "The share of requests that are POST /v1/events batches (0…1).")
    var eventsShare: Double = 0.1

    @Option(help: "Events in every batch, each of its own shopper (default: 1 to 5 events of one shopper).")
    var eventsPerBatch: Int?

    @Option(help: "Seed of the request mix: the same seed sends the same requests.")
    var seed: UInt64 = 1

    @Option(help: "Shoppers in the id space (u00000…).")
    var shoppers: Int = 50_000

    @Option(help: "Products in the id space (p00000…).")
    var products: Int = 20_000

    @Option(help: "The latency objective: p99 in milliseconds.")
    var sloP99Ms: Double = 10

    @Option(help: "A request without an answer after this long fails as a timeout.")
    var timeout: String = "10s"

    @Option(help: ArgumentHelp(
        "Process ids (comma-separated) whose CPU time per request to report, with the load generator's own (Linux).",
        discussion: "For a local cluster: --cpu-of $(pgrep -d, -f 'tailor (node|gateway) ')"
    ))
    var cpuOf: String?

    @Option(help: "A file holding the API key to send (Authorization: Bearer); or set TAILOR_API_KEY. None: the gateway must be open (--insecure-no-auth).")
    var apiKeyFile: String?

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func validate() throws {
        guard targets != nil else { throw ValidationError("--target must look like http://host:port, or a comma-separated list of them") }
        guard let rates = Self.rates(rate), !rates.isEmpty else {
            throw ValidationError("--rate must be a positive number or a comma-separated list of them")
        }
        for (name, text) in [("--duration", duration), ("--warmup", warmup), ("--timeout", timeout)] {
            guard DurationText.parse(text) != nil else { throw ValidationError("\(name) must look like 30s, 500ms or 2m") }
        }
        guard DurationText.parse(duration)! > .zero else { throw ValidationError("--duration must be more than zero") }
        guard DurationText.parse(timeout)! > .zero else { throw ValidationError("--timeout must be more than zero") }
        guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be 1...10000") }
        guard (0...1).contains(eventsShare) else { throw ValidationError("--events-share must be 0...1") }
        if let eventsPerBatch, !(1...Limits.maximumEventsPerBatch).contains(eventsPerBatch) {
            throw ValidationError("--events-per-batch must be 1...\(Limits.maximumEventsPerBatch)")
        }
        guard (1...10_000_000).contains(shoppers) else { throw ValidationError("--shoppers must be 1...10000000") }
        guard (1...10_000_000).contains(products) else { throw ValidationError("--products must be 1...10000000") }
        guard sloP99Ms > 0 else { throw ValidationError("--slo-p99-ms must be positive") }
        if let cpuOf, Self.pids(cpuOf) == nil { throw ValidationError("--cpu-of must be comma-separated process ids") }
    }

    /// "12,34" → [12, 34]; nil when any part is not a process id.
    static func pids(_ text: String) -> [Int32]? {
        let pids = text.split(separator: ",").map { Int32($0.trimmingCharacters(in: .whitespaces)) }
        guard !pids.isEmpty, pids.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return pids.compactMap { $0 }
    }

    /// "250,500,1000" → [250, 500, 1000]; nil when any part is not a positive rate.
    static func rates(_ text: String) -> [Double]? {
        let rates = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard rates.allSatisfy({ $0.map { $0 > 0 && $0 <= 10_000_000 } ?? false }) else { return nil }
        return rates.compactMap { $0 }
    }

    func run() async throws {
        let targets = targets!
        var settings = LoadRun.Settings(target: targets[0])
        settings.alsoTargets = Array(targets.dropFirst())
        settings.connections = connections
        settings.warmup = DurationText.parse(warmup)!
        settings.duration = DurationText.parse(duration)!
        settings.timeout = DurationText.parse(timeout)!
        settings.apiKey = try APIKeyOption.read(file: apiKeyFile)
        if let cpuOf, let pids = Self.pids(cpuOf) {
            guard let cpu = ProcessCPU(pids: pids) else {
                throw LoadError(message: "--cpu-of: cannot read /proc/<pid>/stat of \(cpuOf)")
            }
            settings.cpu = cpu
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let outcome: Result<LoadReport, any Error>
        do {
            outcome = .success(try await measure(targets: targets, settings: settings, group: group))
        } catch {
            outcome = .failure(error)
        }
        try await group.shutdownGracefully()
        let report = try outcome.get()

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table)
        }
    }

    private func measure(targets: [GatewayAddress], settings: LoadRun.Settings, group: any EventLoopGroup) async throws -> LoadReport {
        for target in targets {
            do {
                try await target.withConnection(on: group, connectTimeout: .seconds(3)) { _ in }
            } catch {
                throw LoadError(message: "cannot reach \(target): \(error)")
            }
        }
        // Event ids differ between invocations, so a second run's events are not retries of the first's.
        let invocation = String(UInt32.random(in: .min ... .max), radix: 36)
        var report = LoadReport(
            target: targets.map(\.description).joined(separator: ","), connections: connections,
            warmupSeconds: DurationText.seconds(settings.warmup), durationSeconds: DurationText.seconds(settings.duration),
            eventsShare: eventsShare, seed: seed, sloP99Ms: sloP99Ms
        )
        report.watched = settings.cpu?.watched ?? []
        let runner = LoadRun(settings: settings, group: group)
        for (index, rate) in (Self.rates(rate) ?? []).enumerated() {
            let mix = LoadMix.Configuration(
                shoppers: shoppers, products: products, eventsShare: eventsShare, seed: seed,
                eventIDPrefix: "load-\(invocation)-\(index)", eventsPerBatch: eventsPerBatch
            )
            if !json { FileHandle.standardError.write(Data("running \(String(format: "%g", rate))/s: \(warmup) warm-up + \(duration)…\n".utf8)) }
            report.add(await runner.run(rate: rate, mix: mix))
        }
        return report
    }
}

/// A failure that stops `tailor-lab load` before it measures anything.
struct LoadError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
