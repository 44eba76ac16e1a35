import ArgumentParser
import Foundation
import TailorSettings

/// `tailor`: the commands a shop or an SRE runs. The tools (load, benches, chaos) are
/// `tailor-lab`'s.
package struct TailorCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "tailor",
        abstract: "Tailor: a self-hosted personalization cluster.",
        subcommands: [
            LocalCommand.self, NodeCommand.self, GatewayCommand.self, KeysCommand.self, EvalCommand.self, ProbeCommand.self, DemoLoadCommand.self, ImportCommand.self, SettingsCommand.self, CheckArgsCommand.self,
        ]
    )

    /// ArgumentParser's `main`, with the settings from `TAILOR_*` variables and a config
    /// file added to the command line first (`SettingsResolver`).
    package init() {}

    package static func main() async {
        let given = Array(CommandLine.arguments.dropFirst())
        let resolution: SettingsResolver.Resolution
        do {
            resolution = try SettingsResolver.resolve(given, environment: ProcessInfo.processInfo.environment, catalog: .tailor)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(resolution.arguments)
        } catch {
            let code = exitCode(for: error)
            guard code != .success, !resolution.added.isEmpty else { exit(withError: error) }
            FileHandle.standardError.write(Data("Error: \(resolution.explained(message(for: error)))\n".utf8))
            Foundation.exit(code.rawValue)
        }
        do {
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
