import ArgumentParser

/// `--config FILE`, which every command that reads settings lists in its help. The
/// file is read before parsing (`SettingsResolver`), which turns its values into
/// command-line flags; the parsed value itself is not used afterwards.
package struct SettingsOptions: ParsableArguments {
    package static let optionName = "config"
    package static let environmentVariable = "TAILOR_CONFIG"

    @Option(help: "A JSON file of settings for the flags not given on the command line nor in TAILOR_* variables (also TAILOR_CONFIG); `tailor settings` shows where each value comes from.")
    package var config: String?

    package init() {}
}
