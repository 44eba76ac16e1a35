import ArgumentParser

@main
struct Tailor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tailor",
        abstract: "Tailor: a self-hosted personalization cluster.",
        subcommands: []
    )
}
