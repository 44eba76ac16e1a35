import TailorModel

/// What the cluster replicates for one placement's strategy settings: the settings,
/// the fields this version changed, and the earlier versions' changes. The history
/// travels inside the register's value, so every gateway shows the same one.
package struct StrategyRecord: Codable, Sendable, Hashable {
    package var settings: StrategySettings
    /// The fields this version changed (``StrategySettings/changedFields(from:)``).
    package var changed: [String]
    /// The earlier versions' changes, newest first, at most ``maximumHistory`` − 1
    /// (this version's own change is the register's version, time and key).
    package var history: [StrategyChange]

    /// How many changes a placement's history shows, this version's included.
    package static let maximumHistory = 20

    package init(settings: StrategySettings, changed: [String] = [], history: [StrategyChange] = []) {
        self.settings = settings
        self.changed = changed
        self.history = history
    }

    /// The record that replaces `held` (nil when the placement has none yet) with
    /// `settings`: its changed fields, and `held`'s change (`heldChange`, told by its
    /// register) put first in the history.
    package static func next(after held: StrategyRecord?, heldChange: StrategyChange?, settings: StrategySettings) -> StrategyRecord {
        let settings = settings.normalized
        var history = held?.history ?? []
        if let heldChange { history.insert(heldChange, at: 0) }
        return StrategyRecord(
            settings: settings,
            changed: settings.changedFields(from: held?.settings ?? StrategySettings()),
            history: Array(history.prefix(maximumHistory - 1))
        )
    }
}

/// One version of a placement's settings in its history: which version, when, by
/// which key, why, and which fields it changed.
package struct StrategyChange: Codable, Sendable, Hashable {
    package var version: Int64
    /// When it was written, ms since the epoch.
    package var updatedMs: Int64
    /// The key id that wrote it.
    package var updatedBy: String
    package var note: String?
    package var changed: [String]

    package init(version: Int64, updatedMs: Int64, updatedBy: String, note: String?, changed: [String]) {
        self.version = version
        self.updatedMs = updatedMs
        self.updatedBy = updatedBy
        self.note = note
        self.changed = changed
    }
}
