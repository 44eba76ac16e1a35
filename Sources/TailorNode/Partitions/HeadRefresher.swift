import Foundation
import TailorScoring

/// Keeps the node index's heads (each partition's most popular, trending,
/// high-margin and overstocked products, and the category and feature lists) current,
/// off the request path: every ``CatalogIndex/headRefreshIntervalMillis``, so that no
/// request pays for a rebuild.
struct HeadRefresher: Sendable {
    let table: PartitionTable

    /// Runs until cancelled.
    func run() async {
        let interval = Duration.milliseconds(CatalogIndex.headRefreshIntervalMillis)
        while !Task.isCancelled {
            await table.catalog.refreshHeadsIfDue(nowMillis: Int64(Date().timeIntervalSince1970 * 1000))
            do { try await Task.sleep(for: interval / 4) } catch { return }
        }
    }
}
