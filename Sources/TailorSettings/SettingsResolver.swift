import Foundation

/// Where a setting's value came from.
package enum SettingSource: Sendable, Hashable, CustomStringConvertible {
    case commandLine
    case environment(variable: String)
    case file(path: String, key: String)
    /// Not set anywhere: the command's default applies (or none, for an optional flag).
    case unset

    package var description: String {
        switch self {
        case .commandLine: "command line"
        case .environment(let variable): variable
        case .file(let path, let key): "\(path): \(key)"
        case .unset: "default"
        }
    }
}

/// A setting of the command being run, with its value and where it came from.
package struct ResolvedSetting: Sendable, Hashable {
    package var definition: SettingDefinition
    /// The text given (`true` for a flag that is set); nil when unset.
    package var value: String?
    package var source: SettingSource
}

/// A settings problem: a bad value, an unknown variable or key, an unreadable file.
/// The message names the variable or the file and key.
package struct SettingsError: Error, CustomStringConvertible, Equatable {
    package var message: String
    package var description: String { message }
}

/// Fills in the flags a command line leaves out, from `TAILOR_*` environment variables
/// and then from a JSON config file, before the argument parser sees the command
/// line. Precedence: command line, then environment, then file, then the built-in
/// default. The parser then validates every value the same way, whatever its source.
///
/// The file is an object whose keys are flag names without dashes. Top-level keys
/// apply to every command that has the flag; an object under a command's name
/// (`"node": {...}`) applies to that command and wins over the top level:
///
///     { "members": "n1=n1:7101,n2=n2:7101", "replicas": 2,
///       "node": { "durability": "power" }, "gateway": { "deadline-ms": 300 } }
package enum SettingsResolver {
    package struct Resolution: Sendable {
        /// The command line to parse: the given one with the settings found elsewhere added.
        package var arguments: [String]
        /// Every setting of the command, nil values included; empty for a command that reads none.
        package var settings: [ResolvedSetting]

        /// `message` (the parser's, about the resolved command line), followed by where
        /// each flag it names came from when that was not the command line.
        package func explained(_ message: String) -> String {
            let notes = added.filter { message.contains($0.definition.commandLineName) }.map {
                "(\($0.definition.commandLineName) \($0.value ?? "") was read from \($0.source))"
            }
            return ([message] + notes).joined(separator: "\n")
        }

        /// The settings read from the environment or the file (added to `arguments`).
        package var added: [ResolvedSetting] {
            settings.filter {
                switch $0.source {
                case .environment, .file: $0.value != nil
                case .commandLine, .unset: false
                }
            }
        }
    }

    package static func resolve(
        _ arguments: [String], environment: [String: String], catalog: SettingsCatalog
    ) throws(SettingsError) -> Resolution {
        guard let command = arguments.first, let definitions = catalog.definitions(of: command),
            !arguments.contains(where: { ["--help", "-h", "--experimental-dump-help"].contains($0) })
        else { return Resolution(arguments: arguments, settings: []) }

        try checkVariables(environment, catalog: catalog)
        let given = givenNames(arguments)
        let file = try configPath(arguments, environment: environment).map { path throws(SettingsError) in
            try ConfigFile.load(path, catalog: catalog)
        }
        var settings: [ResolvedSetting] = []
        var added: [String] = []
        for definition in definitions {
            var setting: ResolvedSetting
            if given.contains(definition.name) {
                setting = ResolvedSetting(definition: definition, value: value(of: definition, in: arguments), source: .commandLine)
            } else if let text = environment[definition.environmentName], !text.isEmpty {
                setting = ResolvedSetting(
                    definition: definition, value: try environmentValue(text, for: definition),
                    source: .environment(variable: definition.environmentName)
                )
            } else if let file, let (text, key) = try file.value(for: definition) {
                setting = ResolvedSetting(definition: definition, value: text, source: .file(path: file.path, key: key))
            } else {
                setting = ResolvedSetting(definition: definition, value: nil, source: .unset)
            }
            if setting.source != .commandLine, let text = setting.value {
                if !definition.isFlag {
                    added += [definition.commandLineName, text]
                } else if text == "true" {
                    added.append(definition.commandLineName)
                } else {
                    setting.value = nil  // a flag set to false is the same as not given
                }
            }
            settings.append(setting)
        }
        return Resolution(arguments: [command] + added + arguments.dropFirst(), settings: settings)
    }

    /// Refuses `TAILOR_*` variables that are no command's setting: a misspelt variable
    /// would otherwise be ignored without a word.
    private static func checkVariables(_ environment: [String: String], catalog: SettingsCatalog) throws(SettingsError) {
        let unknown = environment.keys.filter {
            $0.hasPrefix("TAILOR_") && !catalog.environmentNames.contains($0) && !catalog.otherVariables.contains($0)
        }.sorted()
        guard unknown.isEmpty else {
            throw SettingsError(message: "\(unknown.joined(separator: ", ")): not a setting of any command (`tailor settings --reference` lists them)")
        }
    }

    /// The long names given on the command line (before a `--`).
    private static func givenNames(_ arguments: [String]) -> Set<String> {
        var names = Set<String>()
        for argument in arguments.dropFirst() {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            names.insert(String(argument.dropFirst(2).prefix { $0 != "=" }))
        }
        return names
    }

    /// The value a command line gives a setting (`--name value` or `--name=value`), for display.
    private static func value(of definition: SettingDefinition, in arguments: [String]) -> String? {
        definition.isFlag ? "true" : optionValue(definition.commandLineName, in: arguments)
    }

    private static func configPath(_ arguments: [String], environment: [String: String]) -> String? {
        optionValue("--" + SettingsOptions.optionName, in: arguments)
            ?? environment[SettingsOptions.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The value the command line gives `flag` (`--flag value` or `--flag=value`, before a `--`).
    private static func optionValue(_ flag: String, in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { break }
            if argument == flag, index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix(flag + "=") { return String(argument.dropFirst(flag.count + 1)) }
        }
        return nil
    }

    private static func environmentValue(_ text: String, for definition: SettingDefinition) throws(SettingsError) -> String {
        guard definition.isFlag else { return text }
        guard let flag = booleanText(text) else {
            throw SettingsError(message: "\(definition.environmentName): '\(text)' is not true or false (\(definition.commandLineName) is a flag)")
        }
        return flag
    }

    /// `true`/`false` for the spellings a flag accepts, nil for anything else.
    package static func booleanText(_ text: String) -> String? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": "true"
        case "false", "0", "no", "off": "false"
        default: nil
        }
    }
}
