import Foundation
import TailorScoring

/// Keeps every held catalog partition's heads (its most popular, trending,
/// high-margin and overstocked products) current, off the request path: one
/// partition at a time, spread evenly over ``CatalogIndex/headRefreshIntervalMillis``,
/// so that no request pays for a rebuild and the node's partitions do not all
/// rebuild in the same instant.
struct HeadRefresher: Sendable {
    let table: PartitionTable

    /// Runs until cancelled.
    func run() async {
        let interval = Duration.milliseconds(CatalogIndex.headRefreshIntervalMillis)
        while !Task.isCancelled {
            let partitions = table.partitions
            guard !partitions.isEmpty else {
                try? await Task.sleep(for: interval)
                continue
            }
            let step = interval / partitions.count
            for partition in partitions {
                let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
                await table[partition]?.catalog.refreshHeadsIfDue(nowMillis: nowMillis)
                do { try await Task.sleep(for: step) } catch { return }
            }
        }
    }
}
