import ArgumentParser

/// `tailor-lab`: the tools around Tailor — the load generator, the benchmarks and the
/// chaos suite. They start `tailor` processes (the executable next to this one) and
/// measure them; none of this ships in the image.
package struct TailorLabCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "tailor-lab",
        abstract: "Tailor's tools: load generator, simulated storefront, benchmarks, chaos suite.",
        subcommands: [LoadCommand.self, SimulateCommand.self, BenchCommand.self, ChaosCommand.self]
    )

    package init() {}

    /// Parses the command line and runs the command (ArgumentParser's `main`, spelled
    /// out so the executable's top-level code calls the asynchronous one).
    package static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks, each printed next to a reference measured in the same run.",
        subcommands: [HTTP2BenchCommand.self, ScoringBenchCommand.self, MembershipBenchCommand.self, IngestBenchCommand.self, SizingBenchCommand.self, AuthBenchCommand.self, ExperimentBenchCommand.self, DecisionBenchCommand.self, TraceBenchCommand.self, LoadgenBenchCommand.self]
    )
}
