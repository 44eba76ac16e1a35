import ArgumentParser
import Foundation
import Testing
@testable import TailorCommands
@testable import TailorLab
@testable import TailorEval
@testable import TailorSettings
@testable import TailorProcess
@testable import TailorClient
@testable import TailorTesting
import TailorModel

/// Settings from `TAILOR_*` variables and a JSON config file, filled into the command
/// line before the parser sees it.
@Suite("settings from the environment and a config file")
struct SettingsTests {
    private let members = "n1=127.0.0.1:7101"

    private func file(_ json: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-settings-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url.path
    }

    private func setting(_ name: String, _ resolution: SettingsResolver.Resolution) -> ResolvedSetting? {
        resolution.settings.first { $0.definition.name == name }
    }

    @Test("the command line wins over the environment, which wins over the file, which wins over the default")
    func precedence() throws {
        let path = try file(#"{"partitions": 8, "replicas": 3, "log-level": "debug", "node": {"durability": "power"}}"#)
        let resolution = try SettingsResolver.resolve(
            ["node", "--name", "n1", "--listen", "127.0.0.1:7101", "--log-level", "error"],
            environment: ["TAILOR_MEMBERS": members, "TAILOR_PARTITIONS": "16", "TAILOR_LOG_LEVEL": "trace", "TAILOR_CONFIG": path],
            catalog: .tailor
        )
        #expect(setting("log-level", resolution)?.source == .commandLine)
        #expect(setting("log-level", resolution)?.value == "error")
        #expect(setting("partitions", resolution)?.source == .environment(variable: "TAILOR_PARTITIONS"))
        #expect(setting("replicas", resolution)?.source == .file(path: path, key: "replicas"))
        #expect(setting("durability", resolution)?.source == .file(path: path, key: "node.durability"))
        #expect(setting("anti-entropy-interval", resolution)?.source == .unset)

        let command = try #require(try TailorCommand.parseAsRoot(resolution.arguments) as? NodeCommand)
        #expect(command.cluster.partitions == 16)
        #expect(command.cluster.replicas == 3)
        #expect("\(command.cluster.logLevel)" == "error")
        #expect(command.cluster.members == members)
        #expect("\(command.durability)" == "power")
        #expect(command.antiEntropyInterval == "10s")
    }

    @Test("a command's section wins over the top level, and other commands' sections are left alone")
    func sections() throws {
        let path = try file(#"{"name": "edge", "deadline-ms": 100, "gateway": {"deadline-ms": 400}, "node": {"name": "n9"}, "demo-load": {"small": true}}"#)
        let gateway = try SettingsResolver.resolve(
            ["gateway", "--listen", "127.0.0.1:8080", "--config", path], environment: ["TAILOR_MEMBERS": members], catalog: .tailor
        )
        let parsed = try #require(try TailorCommand.parseAsRoot(gateway.arguments) as? GatewayCommand)
        #expect(parsed.api.deadlineMs == 400)
        #expect(parsed.name == "edge")

        let load = try SettingsResolver.resolve(["demo-load", "--config=\(path)"], environment: [:], catalog: .tailor)
        #expect(try #require(try TailorCommand.parseAsRoot(load.arguments) as? DemoLoadCommand).small)
    }

    @Test("--consent is assumed by default, required from TAILOR_CONSENT, and tailor local takes it too")
    func consent() throws {
        let line = ["gateway", "--listen", "127.0.0.1:8080"]
        let assumed = try SettingsResolver.resolve(line, environment: ["TAILOR_MEMBERS": members], catalog: .tailor)
        #expect(try #require(try TailorCommand.parseAsRoot(assumed.arguments) as? GatewayCommand).api.consent == .assumed)
        let required = try SettingsResolver.resolve(line, environment: ["TAILOR_MEMBERS": members, "TAILOR_CONSENT": "required"], catalog: .tailor)
        #expect(setting("consent", required)?.source == .environment(variable: "TAILOR_CONSENT"))
        #expect(try #require(try TailorCommand.parseAsRoot(required.arguments) as? GatewayCommand).api.consent == .required)
        #expect(try #require(try TailorCommand.parseAsRoot(["local", "--consent", "required"]) as? LocalCommand).consent == .required)
        #expect(throws: (any Error).self) { try TailorCommand.parseAsRoot(line + ["--members", members, "--consent", "maybe"]) }
    }

    @Test("a flag is set by true, 1, yes or on, and left unset by false; other text is refused")
    func flags() throws {
        for text in ["true", "1", "YES", "on"] {
            let resolution = try SettingsResolver.resolve(["demo-load"], environment: ["TAILOR_SMALL": text], catalog: .tailor)
            #expect(try #require(try TailorCommand.parseAsRoot(resolution.arguments) as? DemoLoadCommand).small, "\(text)")
        }
        for text in ["false", "0", "no", "off", ""] {
            let resolution = try SettingsResolver.resolve(["demo-load"], environment: ["TAILOR_SMALL": text], catalog: .tailor)
            #expect(try #require(try TailorCommand.parseAsRoot(resolution.arguments) as? DemoLoadCommand).small == false, "\(text)")
        }
        #expect(throws: SettingsError(message: "TAILOR_SMALL: 'maybe' is not true or false (--small is a flag)")) {
            try SettingsResolver.resolve(["demo-load"], environment: ["TAILOR_SMALL": "maybe"], catalog: .tailor)
        }
        let path = try file(#"{"small": "sure"}"#)
        #expect(throws: SettingsError(message: "config file \(path): 'small' must be true or false (--small is a flag)")) {
            try SettingsResolver.resolve(["demo-load", "--config", path], environment: [:], catalog: .tailor)
        }
    }

    @Test("misspelt variables and keys are refused, naming them; so are unreadable files and lists")
    func refusals() throws {
        #expect(throws: SettingsError(message: "TAILOR_PARTITON: not a setting of any command (`tailor settings --reference` lists them)")) {
            try SettingsResolver.resolve(["node"], environment: ["TAILOR_PARTITON": "8"], catalog: .tailor)
        }
        let misspelt = try file(#"{"partitons": 8}"#)
        #expect(throws: SettingsError(message: "config file \(misspelt): 'partitons' is not a setting (`tailor settings --reference` lists them)")) {
            try SettingsResolver.resolve(["node", "--config", misspelt], environment: [:], catalog: .tailor)
        }
        let wrongSection = try file(#"{"gateway": {"durability": "power"}}"#)
        #expect(throws: SettingsError(message: "config file \(wrongSection): 'gateway.durability' is not a setting of `tailor gateway`")) {
            try SettingsResolver.resolve(["node"], environment: ["TAILOR_CONFIG": wrongSection], catalog: .tailor)
        }
        let list = try file(#"{"members": ["n1=a:1"]}"#)
        #expect(throws: SettingsError(message: "config file \(list): 'members' must be a string, a number or true/false")) {
            try SettingsResolver.resolve(["gateway", "--config", list], environment: [:], catalog: .tailor)
        }
        let broken = try file(#"{"members": "#)
        #expect(throws: SettingsError(message: "config file \(broken): not valid JSON")) {
            try SettingsResolver.resolve(["gateway", "--config", broken], environment: [:], catalog: .tailor)
        }
        #expect(throws: SettingsError.self) { try SettingsResolver.resolve(["gateway", "--config", "/nonexistent/tailor.json"], environment: [:], catalog: .tailor) }
    }

    @Test("a value the parser refuses is reported with where it was read")
    func explainedParseErrors() throws {
        let line = ["node", "--name", "n1", "--listen", "127.0.0.1:7101", "--members", members]
        let problem = try #require(CheckArgsCommand.problem(with: line, environment: ["TAILOR_PARTITIONS": "0"]))
        #expect(problem.contains("--partitions must be between 1 and 65536"), "\(problem)")
        #expect(problem.contains("(--partitions 0 was read from TAILOR_PARTITIONS)"), "\(problem)")
    }

    @Test("commands that take their command line only ignore TAILOR_* variables")
    func otherCommandsUntouched() throws {
        let line = ["load", "--rate", "10"]
        let resolution = try SettingsResolver.resolve(line, environment: ["TAILOR_DURATION": "1s", "TAILOR_WHATEVER": "x"], catalog: .tailor)
        #expect(resolution.arguments == line)
        #expect(resolution.settings.isEmpty)
    }

    @Test("tailor local gives its children no settings variable")
    func childrenEnvironment() {
        let environment = SettingsCatalog.tailor.environmentWithoutSettings(["TAILOR_LISTEN": "0.0.0.0:1", "TAILOR_CONFIG": "/x.json", "TAILOR_SIM_SEED": "3", "PATH": "/bin"])
        #expect(environment == ["TAILOR_SIM_SEED": "3", "PATH": "/bin"])
    }

    @Test("the operations guide's reference table is the one the parser's flags make")
    func referenceTableInDocs() throws {
        let readme = try String(
            contentsOfFile: #filePath.replacingOccurrences(of: "Tests/TailorClusterTests/SettingsTests.swift", with: "docs/operations.md"), encoding: .utf8
        )
        let table = SettingsCommand.referenceTable()
        let found = readme.contains(table)
        #expect(found, "docs/operations.md lacks `tailor settings --reference`'s table; paste it in:\n\(table)")
        for command in SettingsCatalog.tailor.commandNames {
            #expect(SettingsCatalog.tailor.definitions(of: command)?.isEmpty == false, "\(command)")
        }
    }
}
