import ArgumentParser
import Foundation
import TailorSettings

/// `tailor check-args ARGS…` (not listed in the help): parses ARGS as a `tailor`
/// command line with the real parser and its validation, runs nothing, and exits 0
/// when they are accepted (or prints the parser's message and exits 1). The
/// deployment files' check (`scripts/check-deploy`) runs every command the compose
/// file and the Kubernetes manifests give `tailor` through it, so they cannot rot.
struct CheckArgsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-args",
        abstract: "Check that a tailor command line parses and validates, without running it.",
        shouldDisplay: false
    )

    @Argument(parsing: .captureForPassthrough, help: "A tailor command line (subcommand, flags and values).")
    var arguments: [String] = []

    func run() throws {
        guard let problem = Self.problem(with: arguments) else { return }
        print("check-args: \(arguments.joined(separator: " ")): \(problem)")
        throw ExitCode.failure
    }

    /// nil when `arguments` parse and validate as a command that runs; otherwise why not.
    /// Settings from the environment and a config file are added first, as the command
    /// itself would.
    static func problem(with arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        do {
            return problem(with: try SettingsResolver.resolve(arguments, environment: environment, catalog: .tailor))
        } catch {
            return error.message
        }
    }

    /// nil when the resolved command line parses and validates as a command that runs;
    /// otherwise why not, with where each setting it names was read.
    static func problem(with resolution: SettingsResolver.Resolution) -> String? {
        let arguments = resolution.arguments
        guard let subcommand = arguments.first, !subcommand.hasPrefix("-") else { return "no subcommand" }
        if arguments.contains(where: { ["--help", "-h", "--version", "help"].contains($0) }) { return "asks for help, not a run" }
        do {
            let command = try TailorCommand.parseAsRoot(arguments)
            if command is TailorCommand { return "'\(subcommand)' is not a command that runs" }
            return nil
        } catch {
            let message = resolution.explained(TailorCommand.message(for: error))
            return message.isEmpty ? "asks for help, not a run" : message
        }
    }
}
