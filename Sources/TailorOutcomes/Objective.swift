/// What an experiment optimises and what a bandit rewards, per recommendation shown
/// (DESIGN.md §3, the outcome loop).
///
/// Each recommendation that got an impression is one trial; its reward is
/// - `clicks`: 1 when at least one of its items was clicked, else 0;
/// - `conversions`: 1 when at least one purchase was attributed to it, else 0;
/// - `revenue`: the revenue of the purchases attributed to it (the shop's currency);
/// - `margin`: the margin of those purchases (price − the product's cost).
package enum Objective: String, Codable, Sendable, CaseIterable, Hashable {
    case clicks
    case conversions
    case revenue
    case margin

    /// Rewards of 0 or 1 (Beta–Bernoulli posteriors); the others are amounts.
    package var isBinary: Bool { self == .clicks || self == .conversions }

    /// The index of this objective in ``CellCounts/rewards``.
    package var index: Int {
        switch self {
        case .clicks: 0
        case .conversions: 1
        case .revenue: 2
        case .margin: 3
        }
    }
}
