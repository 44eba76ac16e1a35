import ArgumentParser
import Foundation

/// `tailor chaos`: the failover suite on real processes in network namespaces.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Start a cluster in network namespaces, inject faults under load, check that no acknowledged event is lost.",
        discussion: """
            Each scenario gets a fresh cluster: N nodes (small demo shop, R = 2, W = 2) and a gateway, \
            each in its own Linux network namespace on a bridge (10.77.0.0/24; needs root and iproute2). \
            Clients write event batches (unique ids) and ask for recommendations at a fixed rate; after \
            a baseline window the fault is applied, healed, the cluster settles, and every acknowledged \
            event is looked for on every replica. Writes a JSON report and prints a table.
            """
    )

    @Option(help: "short (CI: short windows) or long (the figures in the README).")
    var profile = "short"

    @Option(help: "Scenarios, comma-separated: none, kill-restart, pause-short, pause-long, partition-one, gateway-link, ring, rolling-restart, slow-node (default: all).")
    var scenarios: String?

    @Option(help: "Nodes in the cluster.")
    var nodes = 5

    @Option(help: "Where logs, stores and the report go.")
    var output = "chaos-results"

    func validate() throws {
        guard ["short", "long"].contains(profile) else { throw ValidationError("--profile must be short or long") }
        guard (3...9).contains(nodes) else { throw ValidationError("--nodes must be 3...9") }
        if let scenarios {
            for name in scenarios.split(separator: ",") where ChaosScenario.Fault(rawValue: String(name)) == nil {
                throw ValidationError("--scenarios: unknown scenario '\(name)'")
            }
        }
    }

    func run() async throws {
        let (available, why) = ChaosNetwork.available()
        guard available else {
            // Every scenario needs namespaces to cut links and to give members addresses;
            // none is run without them rather than run on loopback and called the same.
            print("tailor chaos: network namespaces are not available here (\(why)); no scenario was run")
            throw ExitCode(2)
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let root = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let long = profile == "long"
        let faults = scenarios.map { $0.split(separator: ",").compactMap { ChaosScenario.Fault(rawValue: String($0)) } }
            ?? ChaosScenario.Fault.allCases
        var results: [ChaosResult] = []
        for fault in faults {
            let window: Duration = switch fault {
            case .partitionOne: long ? .seconds(30) : .seconds(10)
            default: long ? .seconds(10) : .seconds(5)
            }
            let scenario = ChaosScenario(fault: fault, baseline: long ? .seconds(20) : .seconds(8), window: window)
            FileHandle.standardError.write(Data("tailor chaos: \(scenario.name)…\n".utf8))
            let run = ChaosRun(executable: executable, directory: root.appendingPathComponent(scenario.name), nodes: nodes, scenario: scenario)
            results.append(try await run.run())
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: root.appendingPathComponent("report.json"))
        print("| scenario | events acked | lost | writes failed | availability | full coverage | p50 / p99 ms baseline | p50 / p99 ms fault | victim dead | settled after heal |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
        for result in results {
            print(
                "| \(result.scenario) | \(result.eventsAcknowledged) | \(result.lost) | \(result.writesFailed) | "
                    + "\(String(format: "%.2f", result.availability * 100)) % | \(String(format: "%.2f", result.fullCoverage * 100)) % | "
                    + "\(Int(result.baselineP50Ms)) / \(Int(result.baselineP99Ms)) | \(Int(result.faultP50Ms)) / \(Int(result.faultP99Ms)) | "
                    + "\(result.victimDeclaredDead ? "yes" : "no") | \(result.convergeSeconds.map { String(format: "%.1f s", $0) } ?? "no") |"
            )
        }
        for result in results where result.lost > 0 { print("LOST in \(result.scenario): \(result.lostExamples)") }
        if results.contains(where: { $0.lost > 0 }) { throw ExitCode.failure }
    }
}
