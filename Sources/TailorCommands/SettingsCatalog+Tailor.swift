import TailorSettings
import TailorClient

extension SettingsCatalog {
    /// The commands of `tailor` that run or check a cluster member, and so read settings
    /// from `TAILOR_*` variables and a config file.
    static let tailor = SettingsCatalog(
        commands: [
            ("node", NodeCommand.self), ("gateway", GatewayCommand.self), ("local", LocalCommand.self),
            ("demo-load", DemoLoadCommand.self), ("probe", ProbeCommand.self),
        ],
        // The probe's URL, the chaos suite's failpoint and the simulation tests' seed.
        // The cluster secret and the admin key as values (their files are settings).
        otherVariables: [
            ProbeCommand.environmentVariable, "TAILOR_FAILPOINT_CRASH_BEFORE_ANSWER", "TAILOR_SIM_SEED",
            TrustOptions.secretVariable, TrustOptions.adminKeyVariable, APIKeyOption.variable,
        ]
    )
}
