import ArgumentParser
import Foundation

/// One flag of a command that reads settings, as the command's own parser describes it
/// (`_dumpHelp()`, the JSON behind `--experimental-dump-help`), so the settings can
/// never list a flag the parser does not have, or miss one it has.
struct SettingDefinition: Sendable, Hashable {
    /// The command, e.g. `node`.
    var command: String
    /// The long name without dashes, e.g. `metrics-listen`; also the config file's key.
    var name: String
    /// A flag (`--demo`) takes no value; an option (`--listen ADDR`) takes one.
    var isFlag: Bool
    var defaultValue: String?
    var help: String

    var commandLineName: String { "--\(name)" }

    /// `TAILOR_` and the name in capitals, dashes as underscores: `TAILOR_METRICS_LISTEN`.
    var environmentName: String { Self.environmentName(of: name) }

    static func environmentName(of name: String) -> String {
        "TAILOR_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}

/// The commands that read settings from the environment and a config file, and their flags.
enum SettingsCatalog {
    /// The commands that run or check a cluster member. Benchmarks, `load`, `eval` and
    /// `chaos` take their command line only, so a measurement never depends on what
    /// happens to be set in the shell.
    static let commands: [(name: String, type: any ParsableCommand.Type)] = [
        ("node", NodeCommand.self), ("gateway", GatewayCommand.self), ("local", LocalCommand.self),
        ("demo-load", DemoLoadCommand.self), ("probe", ProbeCommand.self),
    ]

    /// `TAILOR_*` variables that are not flags: the config file, the probe's URL, the
    /// chaos suite's failpoint and the simulation tests' seed.
    static let otherVariables: Set<String> = [
        SettingsOptions.environmentVariable, ProbeCommand.environmentVariable, "TAILOR_FAILPOINT_CRASH_BEFORE_ANSWER", "TAILOR_SIM_SEED",
    ]

    /// Flags that are not settings: help, the config file itself, and hidden ones
    /// (internal to `tailor local` and the tests).
    private static let excluded: Set<String> = ["help", "version", SettingsOptions.optionName]

    /// Each command's settings, in the order its `--help` lists them.
    static let definitions: [String: [SettingDefinition]] = {
        var result: [String: [SettingDefinition]] = [:]
        for (name, type) in commands {
            result[name] = parse(type._dumpHelp(), command: name)
        }
        return result
    }()

    static func definitions(of command: String) -> [SettingDefinition]? { definitions[command] }

    /// Every setting's variable name, of every command.
    static let environmentNames: Set<String> = Set(definitions.values.joined().map(\.environmentName))

    /// Every setting's name, of every command.
    static let names: Set<String> = Set(definitions.values.joined().map(\.name))

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
