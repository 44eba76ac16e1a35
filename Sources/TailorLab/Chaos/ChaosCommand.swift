import ArgumentParser
import Foundation
import TailorProcess

/// `tailor-lab chaos`: the failover suite on real processes in network namespaces.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Start a cluster in network namespaces, inject faults under load, check that no acknowledged event is lost.",
        discussion: """
            Each scenario gets a fresh cluster: N nodes (small demo shop, R = 3, W = 2) and a gateway, \
            each in its own Linux network namespace on a bridge (10.77.0.0/24; needs root and iproute2). \
            Clients write event batches (unique ids, retried until acknowledged), ask for recommendations \
            and put products out of stock at a fixed rate; after a baseline window the fault is applied, \
            healed, the cluster settles, and the history is checked: every acknowledged event on every \
            replica, no event never attempted, counters equal to the events they count, no out-of-stock \
            product recommended. Writes a JSON report, an SVG picture per scenario and a table. \
            Without namespaces, members get loopback addresses and only the scenarios without network \
            faults run (the others are reported as skipped). Exits 1 if a safety criterion failed.
            """
    )

    @Option(help: "short (CI: short windows) or long (the figures in the README).")
    var profile = "short"

    @Option(help: "Scenarios, comma-separated: \(ChaosScenario.Fault.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var scenarios: String?

    @Option(help: "Nodes in the cluster at start.")
    var nodes = 5

    @Option(help: "Crashes before answering in kill-before-answer.")
    var crashes = 100

    @Flag(help: "Run on loopback addresses even where namespaces can be made (only the scenarios without network faults).")
    var noNamespaces = false

    @Option(help: "Where logs, stores, pictures and the report go.")
    var output = "chaos-results"

    func validate() throws {
        guard ["short", "long"].contains(profile) else { throw ValidationError("--profile must be short or long") }
        guard (3...9).contains(nodes) else { throw ValidationError("--nodes must be 3...9") }
        guard (1...1_000).contains(crashes) else { throw ValidationError("--crashes must be 1...1000") }
        if let scenarios {
            for name in scenarios.split(separator: ",") where ChaosScenario.Fault(rawValue: String(name)) == nil {
                throw ValidationError("--scenarios: unknown scenario '\(name)'")
            }
        }
    }

    func run() async throws {
        let (available, why) = noNamespaces ? (false, "--no-namespaces") : ChaosNetwork.available()
        if !available {
            print("tailor chaos: network namespaces are not available here (\(why)): members run on loopback addresses, and the scenarios with network faults are skipped")
        }
        // The members are `tailor` processes: the executable next to this one.
        let executable = Executables.tailor
        let root = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let long = profile == "long"
        let faults = scenarios.map { $0.split(separator: ",").compactMap { ChaosScenario.Fault(rawValue: String($0)) } }
            ?? ChaosScenario.Fault.allCases
        var results: [ChaosResult] = []
        for fault in faults {
            if fault.needsNamespaces, !available {
                results.append(ChaosResult(scenario: fault.rawValue, skipped: "needs network namespaces (\(why))"))
                continue
            }
            let window: Duration = switch fault {
            case .partitionOne: long ? .seconds(30) : .seconds(10)
            default: long ? .seconds(10) : .seconds(5)
            }
            var scenario = ChaosScenario(fault: fault, baseline: long ? .seconds(20) : .seconds(6), window: window)
            scenario.crashes = crashes
            FileHandle.standardError.write(Data("tailor chaos: \(scenario.name)…\n".utf8))
            let started = ContinuousClock.now
            let run = ChaosRun(executable: executable, directory: root.appendingPathComponent(scenario.name), nodes: nodes, isolated: available, scenario: scenario)
            results.append(try await run.run())
            FileHandle.standardError.write(Data("tailor chaos: \(scenario.name) took \(ContinuousClock.now - started)\n".utf8))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: root.appendingPathComponent("report.json"))
        print(ChaosReport(results: results).table())
        print(ChaosReport(results: results).criteria())
        if results.contains(where: { !$0.safe }) { throw ExitCode.failure }
    }
}

/// The readable summary of a run: one table row per scenario, then each criterion.
struct ChaosReport {
    let results: [ChaosResult]

    func table() -> String {
        var lines = [
            "| scenario | events acked | lost | phantom | writes failed 1st try (never acked) | reads 2xx | full coverage | p50 / p99 ms baseline | p50 / p99 ms fault | detected | victim dead | settled after heal | counters caught up | stock-outs (violations) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
        ]
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "–" }
        for r in results {
            if let skipped = r.skipped {
                lines.append("| \(r.scenario) | skipped: \(skipped) | | | | | | | | | | | | |")
                continue
            }
            lines.append(
                "| \(r.scenario) | \(r.eventsAcknowledged) | \(r.lost) | \(r.phantoms) | \(r.batchesFailedFirstTry) (\(r.batchesNeverAcknowledged)) | "
                    + "\(String(format: "%.2f", r.availability * 100)) % | \(String(format: "%.2f", r.fullCoverage * 100)) % | "
                    + "\(Int(r.baselineP50Ms)) / \(Int(r.baselineP99Ms)) | \(Int(r.faultP50Ms)) / \(Int(r.faultP99Ms)) | "
                    + "\(seconds(r.detectSeconds)) | \(r.victimDeclaredDead ? "yes" : "no") | \(seconds(r.convergeSeconds)) | "
                    + "\(seconds(r.countersCaughtUpSeconds)) | \(r.stockOuts) (\(r.stockViolations)) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    func criteria() -> String {
        var lines: [String] = []
        for r in results where r.skipped == nil {
            let own = r.criteria.filter { !$0.safety }
            let safety = r.criteria.filter(\.safety)
            let safe = safety.allSatisfy(\.met) ? "safety met (lost 0, no phantom, counters exact, no stock-out shown, outcome report exact)" : "SAFETY FAILED"
            lines.append("\(r.scenario): \(safe)")
            for criterion in safety where !criterion.met { lines.append("  ✗ \(criterion.name): \(criterion.measured)") }
            for criterion in own { lines.append("  \(criterion.met ? "✓" : "✗") \(criterion.name): \(criterion.measured)") }
            for (reason, count) in r.degradedReasons.sorted(by: { $0.value > $1.value }).prefix(3) { lines.append("  degraded ×\(count): \(reason)") }
            for example in r.lostExamples { lines.append("  lost: \(example)") }
            for example in r.stockViolationExamples { lines.append("  stock: \(example)") }
            for mismatch in r.counterMismatches.prefix(5) { lines.append("  counter: \(mismatch)") }
        }
        return lines.joined(separator: "\n")
    }
}
