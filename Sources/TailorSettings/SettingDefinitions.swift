import ArgumentParser
import Foundation

/// One flag of a command that reads settings, as the command's own parser describes it
/// (`_dumpHelp()`, the JSON behind `--experimental-dump-help`), so the settings can
/// never list a flag the parser does not have, or miss one it has.
package struct SettingDefinition: Sendable, Hashable {
    /// The command, e.g. `node`.
    package var command: String
    /// The long name without dashes, e.g. `metrics-listen`; also the config file's key.
    package var name: String
    /// A flag (`--demo`) takes no value; an option (`--listen ADDR`) takes one.
    package var isFlag: Bool
    package var defaultValue: String?
    package var help: String

    package var commandLineName: String { "--\(name)" }

    /// `TAILOR_` and the name in capitals, dashes as underscores: `TAILOR_METRICS_LISTEN`.
    package var environmentName: String { Self.environmentName(of: name) }

    package static func environmentName(of name: String) -> String {
        "TAILOR_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}

/// The commands that read settings from the environment and a config file, and their
/// flags. The executable names its commands (`SettingsCatalog.tailor` in TailorCommands);
/// benchmarks, `load`, `eval` and `chaos` take their command line only, so a measurement
/// never depends on what happens to be set in the shell.
package struct SettingsCatalog: Sendable {
    /// The commands, in the order `tailor settings` lists them.
    package let commandNames: [String]
    /// `TAILOR_*` variables that are not flags (the config file's, a probe's URL, a
    /// failpoint's): allowed in the environment although no flag reads them.
    package let otherVariables: Set<String>
    /// Each command's settings, in the order its `--help` lists them.
    private let definitionsByCommand: [String: [SettingDefinition]]
    /// Every setting's variable name, of every command.
    package let environmentNames: Set<String>
    /// Every setting's name, of every command.
    package let names: Set<String>

    /// Flags that are not settings: help, the config file itself, and hidden ones
    /// (internal to `tailor local` and the tests).
    private static let excluded: Set<String> = ["help", "version", SettingsOptions.optionName]

    package init(commands: [(name: String, type: any ParsableCommand.Type)], otherVariables: Set<String>) {
        var result: [String: [SettingDefinition]] = [:]
        for (name, type) in commands {
            result[name] = Self.parse(type._dumpHelp(), command: name)
        }
        commandNames = commands.map(\.name)
        self.otherVariables = otherVariables.union([SettingsOptions.environmentVariable])
        definitionsByCommand = result
        environmentNames = Set(result.values.joined().map(\.environmentName))
        names = Set(result.values.joined().map(\.name))
    }

    package func definitions(of command: String) -> [SettingDefinition]? { definitionsByCommand[command] }

    /// `environment` without the settings' variables and the config file's: for child
    /// processes that are given every flag they are meant to have on their command line.
    package func environmentWithoutSettings(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        environment.filter { key, _ in !environmentNames.contains(key) && key != SettingsOptions.environmentVariable }
    }

    private struct ToolInfo: Decodable {
        struct Command: Decodable { var arguments: [Argument]? }
        struct Argument: Decodable {
            struct Name: Decodable { var kind: String; var name: String }
            var kind: String
            var names: [Name]?
            var defaultValue: String?
            var abstract: String?
            var shouldDisplay: Bool?
        }
        var command: Command
    }

    private static func parse(_ json: String, command: String) -> [SettingDefinition] {
        guard let info = try? JSONDecoder().decode(ToolInfo.self, from: Data(json.utf8)) else {
            preconditionFailure("the argument parser's description of `\(command)` did not decode")
        }
        return (info.command.arguments ?? []).compactMap { argument in
            guard argument.kind == "option" || argument.kind == "flag", argument.shouldDisplay ?? true,
                let long = argument.names?.first(where: { $0.kind == "long" })?.name, !excluded.contains(long)
            else { return nil }
            return SettingDefinition(
                command: command, name: long, isFlag: argument.kind == "flag",
                defaultValue: argument.defaultValue, help: argument.abstract ?? ""
            )
        }
    }
}
