import ArgumentParser
import Foundation
import TailorProcess

/// `tailor-lab bench membership`: failure detection and gossip traffic on real processes.
struct MembershipBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "membership",
        abstract: "Time from SIGKILL to every member marking the victim dead, and gossip bytes per member per second.",
        discussion: """
            For each cluster size, starts that many `tailor node` processes (empty shop) and a gateway on \
            loopback, waits until every member sees every other alive, measures how long an event batch \
            posted to the gateway takes to show in every member's counters, gives counters to \
            --counter-products products, measures gossip bytes sent per member per second over a quiet \
            window, then repeatedly SIGKILLs one node and polls every survivor's \
            GET /internal/membership every 10 ms until all of them mark it dead (then restarts it as a \
            new generation and waits for everyone to see it alive again). Prints median and worst per size.
            """
    )

    @Option(help: "Cluster sizes to measure, comma-separated.")
    var sizes = "3,5,10"

    @Option(help: "Kills per cluster size.")
    var trials = 5

    @Option(help: "First internal port; each size uses the ports that follow.")
    var port = 27_301

    @Option(help: "Seconds of quiet cluster over which gossip traffic is measured.")
    var quietSeconds = 10

    @Option(help: "Distinct products given popularity counters (through the gateway's API) before the traffic is measured.")
    var counterProducts = 0

    func validate() throws {
        guard (1...50).contains(trials) else { throw ValidationError("--trials must be 1...50") }
        guard (0...1_000_000).contains(counterProducts) else { throw ValidationError("--counter-products must be 0...1000000") }
        guard sizes.split(separator: ",").allSatisfy({ Int($0).map { (3...40).contains($0) } ?? false }) else {
            throw ValidationError("--sizes: comma-separated cluster sizes, each 3...40")
        }
    }

    func run() async throws {
        // The members are `tailor` processes: the executable next to this one.
        let executable = Executables.tailor
        print("membership bench: SWIM defaults (probe 500 ms, ping timeout 150 ms, 2 indirect probes, gossip 3 every 200 ms); \(trials) kills per size")
        print("| members (+ gateway) | gossip bytes/s per member (median, max), \(counterProducts) products with counters | SIGKILL → all survivors mark it dead: median s | worst s | each kill s | event → every member's counter: median s | worst s | \(counterProducts) products → the same counters everywhere s |")
        print("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let run = MembershipBench(
                executable: executable, size: size, firstPort: port, trials: trials, quietSeconds: quietSeconds, counterProducts: counterProducts
            )
            defer { try? FileManager.default.removeItem(at: run.dataRoot) }
            let result = try await run.measure()
            let times = result.detections.sorted()
            let median = times[times.count / 2]
            let bytes = result.bytesPerSecond.sorted()
            let convergence = result.convergence.sorted()
            print(
                "| \(size) | \(Int(bytes[bytes.count / 2])), \(Int(bytes.last ?? 0)) | \(String(format: "%.2f", median)) | "
                    + "\(String(format: "%.2f", times.last ?? 0)) | \(result.detections.map { String(format: "%.2f", $0) }.joined(separator: ", ")) | "
                    + "\(String(format: "%.2f", convergence[convergence.count / 2])) | \(String(format: "%.2f", convergence.last ?? 0)) | "
                    + "\(result.tableSpread.map { String(format: "%.1f", $0) } ?? "not within 300 s") |"
            )
            fflush(nil)
        }
    }
}
