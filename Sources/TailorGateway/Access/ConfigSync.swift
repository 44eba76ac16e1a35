import Logging
import ServiceLifecycle
import Synchronization
import TailorMembership
import TailorWire

/// Keeps the gateway's configuration (keys, experiments, segments, decision points,
/// strategy settings) in step with the cluster:
/// every second it sends its whole configuration to the next node in turn
/// (``WireMethods/syncConfig``) and merges the node's answer. A key or an experiment
/// (or a segment, a decision point, a placement's strategy settings) written through
/// another gateway is therefore seen here within about a second of being stored on
/// the nodes. Until one sync has answered, the gateway is not ready
/// (it would refuse keys it does not know yet, and answer without the experiments).
struct ConfigSync: Service {
    let gateway: GatewayService
    let logger: Logger
    static let interval: Duration = .seconds(1)

    func run() async throws {
        var turn = 0
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let members = gateway.cluster.shardMap.members
            if !members.isEmpty {
                let member = members[turn % members.count]
                turn += 1
                do {
                    let answer: WireConfigState = try await gateway.cluster.call(
                        member, WireMethods.syncConfig, gateway.heldConfiguration, timeout: .seconds(1)
                    )
                    gateway.mergeConfiguration(answer)
                    if !gateway.keysLoaded {
                        gateway.markKeysLoaded()
                        logger.info(
                            "configuration loaded",
                            metadata: [
                                "keys": "\(answer.keys.count)", "experiments": "\(answer.experiments.count)",
                                "segments": "\(answer.segments.count)", "decisionPoints": "\(answer.decisionPoints.count)",
                                "strategies": "\(answer.strategies.count)", "from": "\(member)",
                            ]
                        )
                    }
                    failures = 0
                } catch {
                    failures += 1
                    if failures % 10 == 1 {
                        logger.warning("configuration sync failed", metadata: ["member": "\(member)", "error": "\(error)"])
                    }
                }
            }
            do { try await gracefulSleep(gateway.keysLoaded ? Self.interval : .milliseconds(200)) } catch { return }
        }
    }
}

extension GatewayService {
    /// Every register of the replicated configuration this gateway holds: what a sync sends.
    var heldConfiguration: WireConfigState {
        var state = WireConfigState(keys: access.keys?.configState.keys ?? [], experiments: experiments.records)
        state.segments = segments.records
        state.decisionPoints = decisionPoints.records
        state.strategies = strategies.records
        return state
    }

    /// Merges what a node answered a sync with.
    func mergeConfiguration(_ state: WireConfigState) {
        access.keys?.merge(state.keys)
        experiments.merge(state.experiments)
        segments.merge(state.segments)
        decisionPoints.merge(state.decisionPoints)
        strategies.merge(state.strategies)
    }

    /// Sends `records` to every node at once; answers how many stored them.
    func replicate(_ records: [WireKeyRecord]) async -> (stored: Int, of: Int) {
        await replicate(WireConfigState(keys: records))
    }

    /// Sends `state` to every node at once; answers how many stored it.
    func replicate(_ state: WireConfigState) async -> (stored: Int, of: Int) {
        let members = cluster.shardMap.members
        let stored = await withTaskGroup(of: Bool.self) { group in
            for member in members {
                group.addTask {
                    let answer: WireConfigState? = try? await self.cluster.call(
                        member, WireMethods.syncConfig, state, timeout: self.configuration.writeTimeout
                    )
                    return answer != nil
                }
            }
            var stored = 0
            for await ok in group where ok { stored += 1 }
            return stored
        }
        return (stored, members.count)
    }
}
