import Logging
import ServiceLifecycle
import TailorMembership
import TailorOutcomes
import TailorWire

/// The cluster's outcome counts, read from the nodes: each shopper partition from the
/// replica that holds the most outcome events for it (ties to the first member by
/// name), so that once replicas agree every gateway reads the same numbers, and a
/// replica still catching up after a restart is not read while another has more.
struct OutcomeSnapshot: Sendable {
    var cells: OutcomeCells
    /// Distinct shoppers shown each experiment variant.
    var shoppers: [VariantKey: Int64]
    /// Shopper partitions in the cluster, and those no replica answered for.
    var partitions: Int
    var missing: [Int]

    var isComplete: Bool { missing.isEmpty }
}

extension GatewayService {
    func readOutcomes(experimentsOnly: Bool, timeout: Duration = .seconds(2)) async -> OutcomeSnapshot {
        let request = {
            var request = WireOutcomesRequest()
            request.experimentsOnly = experimentsOnly
            return request
        }()
        let members = cluster.shardMap.members
        let answers = await withTaskGroup(of: (String, WireOutcomesResponse?).self) { group in
            for member in members {
                group.addTask {
                    let answer: WireOutcomesResponse? = try? await self.cluster.call(member, WireMethods.outcomes, request, timeout: timeout)
                    return (member, answer)
                }
            }
            var answers: [(String, WireOutcomesResponse)] = []
            for await (member, answer) in group { if let answer { answers.append((member, answer)) } }
            return answers.sorted { $0.0 < $1.0 }
        }
        var best: [Int: WirePartitionOutcomes] = [:]
        for (_, answer) in answers {
            for entry in answer.partitions {
                let partition = Int(entry.partition)
                if let held = best[partition], held.events >= entry.events { continue }
                best[partition] = entry
            }
        }
        var cells: OutcomeCells = [:]
        var shoppers: [VariantKey: Int64] = [:]
        for partition in best.keys.sorted() {
            for cell in best[partition]!.cells { cells[cell.key, default: CellCounts()].add(cell.counts) }
            for entry in best[partition]!.variants {
                shoppers[VariantKey(experiment: entry.experiment, variant: entry.variant), default: 0] += Int64(entry.shoppers)
            }
        }
        let count = cluster.shardMap.partitionCount
        return OutcomeSnapshot(cells: cells, shoppers: shoppers, partitions: count, missing: (0..<count).filter { best[$0] == nil })
    }
}

/// Reads the experiments' counts from the nodes every ``interval`` and hands them to
/// the ``ExperimentBook``, which recomputes every bandit's allocation: the durable
/// counts reach every gateway's bandits within about two seconds of their events'
/// acknowledgement (DESIGN.md §3).
struct BanditSync: Service {
    let gateway: GatewayService
    let logger: Logger
    static let interval: Duration = .seconds(2)

    func run() async throws {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Fixed shares need no counts; a bandit's results page reads its own.
            if gateway.experiments.entries.contains(where: { $0.definition.allocation == .bandit }) {
                let snapshot = await gateway.readOutcomes(experimentsOnly: true)
                // A partial read would shrink the counts the bandits stand on: keep the last whole one.
                if snapshot.isComplete {
                    gateway.experiments.update(outcomes: snapshot.cells)
                    failures = 0
                } else {
                    failures += 1
                    if failures % 15 == 1 {
                        logger.warning("no node answered for the experiments' counts", metadata: ["missing": "\(snapshot.missing.count)"])
                    }
                }
            }
            do { try await gracefulSleep(Self.interval) } catch { return }
        }
    }
}
