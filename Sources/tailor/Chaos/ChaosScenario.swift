import Foundation

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
        /// SIGTERM every node in turn, restarting each and waiting until the cluster settled.
        case rollingRestart = "rolling-restart"
        /// One node's traffic throttled to 2 Mbit/s each way (token bucket) for the fault window.
        case slowNode = "slow-node"
    }

    var fault: Fault
    var baseline: Duration
    var window: Duration
    var victim = "n2"

    var name: String { fault.rawValue }

    /// Applies the fault; returns when it is healed.
    func inject(into cluster: ChaosCluster) async throws {
        switch fault {
        case .none:
            try await Task.sleep(for: window)
        case .killRestart:
            cluster.kill(victim)
            try await Task.sleep(for: window)
            try cluster.restart(victim)
        case .pauseShort:
            cluster.signal(victim, SIGSTOP)
            try await Task.sleep(for: .milliseconds(800))
            cluster.signal(victim, SIGCONT)
        case .pauseLong:
            cluster.signal(victim, SIGSTOP)
            try await Task.sleep(for: window)
            cluster.signal(victim, SIGCONT)
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
        case .rollingRestart:
            for node in cluster.nodes {
                cluster.terminate(node)
                try cluster.restart(node)
                _ = await cluster.waitUntilSettled(timeout: .seconds(60))
            }
        case .slowNode:
            try cluster.network.throttle(victim, on: true)
            try await Task.sleep(for: window)
            try cluster.network.throttle(victim, on: false)
        }
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

/// What one scenario measured (the JSON report's entries).
struct ChaosResult: Codable, Sendable {
    var scenario: String
    var writesAttempted: Int
    var eventsAcknowledged: Int
    var writesFailed: Int
    /// Acknowledged events missing from at least one of their replicas after settling.
    var lost: Int
    var lostExamples: [String]
    var reads: Int
    /// Recommendation requests answered 2xx, and with every partition, over the whole run.
    var availability: Double
    var fullCoverage: Double
    var baselineP50Ms: Double
    var baselineP99Ms: Double
    var faultP50Ms: Double
    var faultP99Ms: Double
    /// Seconds from healing until every node is up with every replica complete.
    var convergeSeconds: Double?
    /// Whether the gateway's membership view ever had the victim dead during the run.
    var victimDeclaredDead: Bool
    var faultStart: Double
    var faultEnd: Double
}
