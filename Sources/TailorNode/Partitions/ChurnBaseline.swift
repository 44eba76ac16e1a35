import Synchronization
import TailorJourneys
import TailorModel

/// The shop's purchase distribution churn risk is measured against (``ChurnDistribution``),
/// built from the purchases of every shopper partition this node holds: shoppers are
/// placed by hash, so they are a uniform sample of the shop's. Rebuilt at most once per
/// ``maximumAge`` by the first request that finds it older; the others meanwhile read
/// the previous one, so no request waits for a rebuild but the very first.
final class ChurnBaseline: Sendable {
    static let maximumAgeMillis: Int64 = 60_000

    private struct State {
        var distribution: ChurnDistribution?
        var builtAtMillis: Int64 = 0
        var rebuilding = false
    }

    private let state = Mutex(State())

    /// The distribution at `nowMillis`; `summaries` gathers the purchases when a rebuild is due.
    func distribution(nowMillis: Int64, summaries: () async -> [PurchaseSummary]) async -> ChurnDistribution {
        let (held, due) = state.withLock { state -> (ChurnDistribution?, Bool) in
            let stale = state.distribution == nil || nowMillis - state.builtAtMillis > Self.maximumAgeMillis
            guard stale, !state.rebuilding || state.distribution == nil else { return (state.distribution, false) }
            state.rebuilding = true
            return (state.distribution, true)
        }
        guard due else { return held ?? .empty }
        let built = ChurnDistribution(summaries: await summaries(), nowMillis: nowMillis)
        state.withLock { state in
            state.distribution = built
            state.builtAtMillis = nowMillis
            state.rebuilding = false
        }
        return built
    }
}
