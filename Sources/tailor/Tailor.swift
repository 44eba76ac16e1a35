import ArgumentParser

@main
struct Tailor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tailor",
        abstract: "Tailor: a self-hosted personalization cluster.",
        subcommands: [LocalCommand.self, NodeCommand.self, GatewayCommand.self, LoadCommand.self, BenchCommand.self, ChaosCommand.self, EvalCommand.self, ProbeCommand.self, DemoLoadCommand.self, CheckArgsCommand.self]
    )
}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks, each printed next to a reference measured in the same run.",
        subcommands: [HTTP2BenchCommand.self, ScoringBenchCommand.self, MembershipBenchCommand.self, IngestBenchCommand.self]
    )
}
