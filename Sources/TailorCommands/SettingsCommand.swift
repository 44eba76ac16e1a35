import ArgumentParser
import Foundation
import TailorSettings

/// `tailor settings`: where each setting of a command line comes from, or the
/// reference table of every setting.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show each setting of a command line and where its value comes from (command line, TAILOR_* variable, config file, default).",
        discussion: """
            tailor settings node --name n1 --listen 0.0.0.0:7101   (with TAILOR_* variables and TAILOR_CONFIG as the node would see them)
            tailor settings --reference                             (every setting, as a Markdown table)
            Commands that read settings: \(SettingsCatalog.tailor.commandNames.joined(separator: ", ")).
            """
    )

    @Flag(help: "Print the reference table of every setting of every command that reads settings (Markdown).")
    var reference = false

    @Argument(parsing: .captureForPassthrough, help: "A tailor command line, e.g. node --name n1 ….")
    var arguments: [String] = []

    func validate() throws {
        if reference == !arguments.isEmpty { throw ValidationError("give either --reference or a command line") }
        if let command = arguments.first, SettingsCatalog.tailor.definitions(of: command) == nil {
            throw ValidationError("'\(command)' reads no settings; these do: \(SettingsCatalog.tailor.commandNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        if reference {
            print(Self.referenceTable(), terminator: "")
            return
        }
        let resolution = try SettingsResolver.resolve(arguments, environment: ProcessInfo.processInfo.environment, catalog: .tailor)
        let rows = resolution.settings.map { setting in
            [setting.definition.commandLineName, setting.value ?? setting.definition.defaultValue.map { "\($0) (default)" } ?? "-", setting.source.description]
        }
        print(Self.aligned([["setting", "value", "from"]] + rows))
        if let problem = CheckArgsCommand.problem(with: resolution) {
            print("\nrefused: \(problem)")
            throw ExitCode.failure
        }
    }

    private static func aligned(_ rows: [[String]]) -> String {
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in column == 2 ? text : text.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0) }.joined()
        }.joined(separator: "\n")
    }

    /// One row per setting; a flag several commands share with the same meaning and
    /// default has one row naming them all.
    static func referenceTable() -> String {
        struct Row { var definition: SettingDefinition; var commands: [String] }
        var rows: [Row] = []
        for command in SettingsCatalog.tailor.commandNames {
            for definition in SettingsCatalog.tailor.definitions(of: command) ?? [] {
                if let index = rows.firstIndex(where: {
                    $0.definition.name == definition.name && $0.definition.help == definition.help
                        && $0.definition.defaultValue == definition.defaultValue
                }) {
                    rows[index].commands.append(command)
                } else {
                    rows.append(Row(definition: definition, commands: [command]))
                }
            }
        }
        var lines = [
            "| Flag | Variable | Commands | Default | Meaning |",
            "|---|---|---|---|---|",
        ]
        for row in rows {
            let definition = row.definition
            let flag = definition.isFlag ? "`\(definition.commandLineName)`" : "`\(definition.commandLineName) <v>`"
            let fallback = definition.isFlag ? "false" : "-"
            let cells = [
                flag, "`\(definition.environmentName)`", row.commands.joined(separator: ", "),
                definition.defaultValue.map { "`\($0)`" } ?? fallback, definition.help.replacingOccurrences(of: "|", with: "\\|"),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
