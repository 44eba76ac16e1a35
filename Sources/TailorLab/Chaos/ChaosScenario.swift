import Foundation
import TailorProcess

/// One fault and how long it lasts, with the phases of a run around it: a baseline
/// window, the fault, healing, and a settle time before the history is checked.
struct ChaosScenario: Sendable {
    enum Fault: String, Sendable, CaseIterable {
        /// No fault: the baseline every other scenario is compared with.
        case none
        /// SIGKILL one node under load, restart it after the fault window.
        case killRestart = "kill-restart"
        /// SIGSTOP one node for 0.8 s (must not be declared dead).
        case pauseShort = "pause-short"
        /// SIGSTOP one node for the fault window, then SIGCONT.
        case pauseLong = "pause-long"
        /// Cut one node off from everyone (its link down) for the fault window.
        case partitionOne = "partition-one"
        /// Cut only the link between the gateway and one node (each drops what it sends to the other).
        case gatewayLink = "gateway-link"
        /// A ring of overlapping majorities: each node reaches only its two neighbours
        /// (the gateway still reaches every node).
        case ring
        /// A replica that received a batch of events SIGKILLs itself before answering
        /// (half before its commit, half after), `crashes` times, one at a time; each is
        /// restarted at once and the next armed once the cluster settled.
        case killBeforeAnswer = "kill-before-answer"
        /// SIGTERM every node in turn, restarting each and waiting until the cluster settled.
        case rollingRestart = "rolling-restart"
        /// A sixth node joins; once the cluster settled, one of the first nodes leaves (SIGTERM).
        case joinLeave = "join-leave"
        /// One node's traffic throttled to 2 Mbit/s each way (token bucket) for the fault window.
        case slowNode = "slow-node"

        /// Whether the fault cuts or shapes links, which needs a namespace per member.
        var needsNamespaces: Bool {
            switch self {
            case .partitionOne, .gatewayLink, .ring, .slowNode: true
            default: false
            }
        }

        /// Whether one node is the victim whose detection is timed.
        var hasVictim: Bool {
            switch self {
            case .killRestart, .pauseShort, .pauseLong, .partitionOne, .gatewayLink, .slowNode: true
            default: false
            }
        }
    }

    var fault: Fault
    var baseline: Duration
    var window: Duration
    /// Crashes before answering (kill-before-answer).
    var crashes = 100
    var victim = "n2"

    var name: String { fault.rawValue }

    /// What the fault itself measured.
    struct Outcome: Sendable {
        var crashes: Int?
        var crashesBeforeCommit: Int?
        /// Share of the P×R replica assignments that changed when the node joined, and when one left.
        var movedOnJoin: Double?
        var movedOnLeave: Double?
    }

    /// Applies the fault; returns when it is healed.
    func inject(into cluster: ChaosCluster) async throws -> Outcome {
        var outcome = Outcome()
        switch fault {
        case .none:
            try await Task.sleep(for: window)
        case .killRestart:
            cluster.kill(victim)
            try await Task.sleep(for: window)
            try cluster.restart(victim)
        case .pauseShort:
            cluster.signal(victim, .pause)
            try await Task.sleep(for: .milliseconds(800))
            cluster.signal(victim, .resume)
        case .pauseLong:
            cluster.signal(victim, .pause)
            try await Task.sleep(for: window)
            cluster.signal(victim, .resume)
        case .partitionOne:
            try cluster.network.setLink(of: victim, up: false)
            try await Task.sleep(for: window)
            try cluster.network.setLink(of: victim, up: true)
        case .gatewayLink:
            try cut("gw", victim, in: cluster, on: true)
            try await Task.sleep(for: window)
            try cut("gw", victim, in: cluster, on: false)
        case .ring:
            let pairs = ringCuts(cluster.nodes)
            for (a, b) in pairs { try cut(a, b, in: cluster, on: true) }
            try await Task.sleep(for: window)
            for (a, b) in pairs { try cut(a, b, in: cluster, on: false) }
        case .killBeforeAnswer:
            (outcome.crashes, outcome.crashesBeforeCommit) = try await crashBeforeAnswering(cluster)
        case .rollingRestart:
            for node in cluster.nodes {
                cluster.terminate(node)
                try cluster.restart(node)
                _ = await cluster.waitUntilSettled(timeout: .seconds(60))
            }
        case .joinLeave:
            let before = await cluster.replicaSets()
            try cluster.join()
            _ = await cluster.waitUntilSettled(timeout: .seconds(60))
            let joined = await cluster.replicaSets()
            cluster.remove(cluster.nodes[0])
            _ = await cluster.waitUntilSettled(timeout: .seconds(60))
            let left = await cluster.replicaSets()
            outcome.movedOnJoin = Self.moved(before, joined)
            outcome.movedOnLeave = Self.moved(joined, left)
        case .slowNode:
            try cluster.network.throttle(victim, on: true)
            try await Task.sleep(for: window)
            try cluster.network.throttle(victim, on: false)
        }
        return outcome
    }

    /// Arms every node's ``CrashFailpoint`` (through a file that exists while armed). When
    /// a node crashes, disarms, restarts it, waits until the cluster settled (every
    /// replica complete again), and re-arms: one crash at a time, `crashes` times.
    private func crashBeforeAnswering(_ cluster: ChaosCluster) async throws -> (Int, Int) {
        var crashed = 0
        let armed = cluster.directory.appendingPathComponent("failpoint-armed")
        let giveUp = ContinuousClock.now + .seconds(600)
        while crashed < crashes, ContinuousClock.now < giveUp {
            _ = FileManager.default.createFile(atPath: armed.path, contents: nil)
            while cluster.crashed().isEmpty, ContinuousClock.now < giveUp {
                try await Task.sleep(for: .milliseconds(20))
            }
            try? FileManager.default.removeItem(at: armed)
            // Two nodes may have drawn their crash in the same instant: restart every one.
            try await Task.sleep(for: .milliseconds(50))
            for node in cluster.crashed() {
                crashed += 1
                try cluster.restart(node)
            }
            _ = await cluster.waitUntilSettled(timeout: .seconds(60))
        }
        // Each crash wrote why to its node's log.
        let beforeCommit = cluster.logLines(containing: "crashes before commit").count
        return (crashed, beforeCommit)
    }

    /// Share of replica assignments (partition, replica) in `after` that were not in `before`.
    static func moved(_ before: [Int: Set<String>], _ after: [Int: Set<String>]) -> Double {
        let total = after.values.reduce(0) { $0 + $1.count }
        guard total > 0 else { return 0 }
        let moved = after.reduce(0) { $0 + $1.value.subtracting(before[$1.key] ?? []).count }
        return Double(moved) / Double(total)
    }

    /// Both directions of the link between two members.
    private func cut(_ a: String, _ b: String, in cluster: ChaosCluster, on: Bool) throws {
        try cluster.network.blackhole(from: a, to: cluster.address(of: b), on: on)
        try cluster.network.blackhole(from: b, to: cluster.address(of: a), on: on)
    }

    /// The node pairs that are not neighbours on the ring n1 – n2 – … – nN – n1.
    private func ringCuts(_ nodes: [String]) -> [(String, String)] {
        var cuts: [(String, String)] = []
        for i in nodes.indices {
            for j in nodes.indices where j > i {
                let distance = min(j - i, nodes.count - (j - i))
                if distance > 1 { cuts.append((nodes[i], nodes[j])) }
            }
        }
        return cuts
    }
}

