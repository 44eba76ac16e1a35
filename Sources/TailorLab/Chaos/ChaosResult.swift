import Foundation

/// What one scenario measured (the JSON report's entries).
struct ChaosResult: Codable, Sendable {
    var scenario: String
    /// Why the scenario was not run (it needs network namespaces and there are none).
    var skipped: String?
    var batchesAttempted = 0
    var eventsAttempted = 0
    var eventsAcknowledged = 0
    /// Write batches whose first attempt was not acknowledged (the client retried them).
    var batchesFailedFirstTry = 0
    /// Write batches still not acknowledged when the load drained.
    var batchesNeverAcknowledged = 0
    /// Acknowledged events missing from at least one of their replicas after settling.
    var lost = 0
    /// Events a replica holds that no client ever attempted.
    var phantoms = 0
    var lostExamples: [String] = []
    var reads = 0
    /// Recommendation requests answered 2xx, and with every partition, over the whole run.
    var availability = 0.0
    var fullCoverage = 0.0
    /// Reads sent during the fault (and the second after it) answered without every partition.
    var degradedReadsDuringFault = 0
    /// When the last of those was sent, seconds after the fault began.
    var lastDegradedAfterFaultStart: Double?
    /// The gateway's reasons for degraded answers over the run, with how often each was given.
    var degradedReasons: [String: Int] = [:]
    var baselineP50Ms = 0.0
    var baselineP99Ms = 0.0
    var faultP50Ms = 0.0
    var faultP99Ms = 0.0
    /// Products the clients put out of stock, and reads that recommended one after the
    /// gateway acknowledged it.
    var stockOuts = 0
    var stockViolations = 0
    var stockViolationExamples: [String] = []
    /// Counter products checked; those whose readings disagree with the history.
    var counterProducts = 0
    var counterMismatches: [String] = []
    /// Seconds from healing until every member's counters held every event acknowledged before it.
    var countersCaughtUpSeconds: Double?
    /// Seconds from the end of the load until every member read exactly the history's counts.
    var countersEqualSeconds: Double?
    /// The outcome loop's events the cluster holds, checked against the report.
    var outcomeEvents = 0
    /// Where the report differs from the attribution of those events (empty: equal).
    var outcomeMismatches: [String] = []
    /// Seconds from the end of the load until the report equalled the events' attribution.
    var outcomesEqualSeconds: Double?
    /// Seconds from the fault until the gateway saw the victim suspect or dead.
    var detectSeconds: Double?
    /// Whether the gateway's membership view ever had the victim dead during the run.
    var victimDeclaredDead = false
    /// Seconds from healing until every node is up with every replica complete.
    var convergeSeconds: Double?
    var crashes: Int?
    var crashesBeforeCommit: Int?
    /// Shares of the P×R replica assignments that moved on the join and on the leave.
    var movedOnJoin: Double?
    var movedOnLeave: Double?
    var criteria: [ChaosCriterion] = []
    var faultStart = 0.0
    var faultEnd = 0.0

    init(scenario: String, skipped: String) {
        self.scenario = scenario
        self.skipped = skipped
    }

    init(scenario: String) {
        self.scenario = scenario
    }

    /// Whether every safety criterion held (the suite's exit status).
    var safe: Bool { criteria.filter(\.safety).allSatisfy(\.met) }
}

/// One pass criterion of the issue, as measured.
struct ChaosCriterion: Codable, Sendable {
    var name: String
    var met: Bool
    var measured: String
    /// Safety (nothing lost, nothing invented, no out-of-stock product shown, counters
    /// exact) fails the run; the others are reported.
    var safety: Bool
}

/// The pass criteria: safety for every scenario, and each fault's own.
enum ChaosCriteria {
    static func evaluate(_ r: ChaosResult, fault: ChaosScenario.Fault, nodes: Int, crashesWanted: Int) -> [ChaosCriterion] {
        func percent(_ value: Double) -> String { String(format: "%.2f %%", value * 100) }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "never" }
        var list = [
            ChaosCriterion(name: "lost acknowledged events = 0", met: r.lost == 0, measured: "\(r.lost)", safety: true),
            ChaosCriterion(name: "no event that was never attempted", met: r.phantoms == 0, measured: "\(r.phantoms)", safety: true),
            ChaosCriterion(
                name: "outcome report = attribution of the stored events", met: r.outcomeMismatches.isEmpty && r.outcomeEvents > 0,
                measured: r.outcomeMismatches.isEmpty ? "\(r.outcomeEvents) events exact" : "\(r.outcomeMismatches.count) differ: \(r.outcomeMismatches.first ?? "")",
                safety: true
            ),
            ChaosCriterion(
                name: "no out-of-stock product recommended after the gateway acknowledged it", met: r.stockViolations == 0,
                measured: "\(r.stockViolations) of \(r.stockOuts) stock-outs", safety: true
            ),
            ChaosCriterion(
                name: "counters = distinct events counted, on every member", met: r.counterMismatches.isEmpty,
                measured: r.counterMismatches.isEmpty ? "\(r.counterProducts) products exact" : "\(r.counterMismatches.count) differ", safety: true
            ),
        ]
        let noFailedRequest = r.batchesFailedFirstTry == 0 && r.availability == 1
        let failures = "\(r.batchesFailedFirstTry) writes failed first try, reads \(percent(r.availability)) 2xx"
        switch fault {
        case .killRestart:
            list.append(.init(name: "availability ≥ 99.9 %", met: r.availability >= 0.999, measured: percent(r.availability), safety: false))
            list.append(.init(
                name: "full coverage again within 250 ms (the deadline a hedge must beat)", met: (r.lastDegradedAfterFaultStart ?? 0) <= 0.25,
                measured: r.lastDegradedAfterFaultStart.map { "last degraded read sent \(String(format: "%.2f", $0)) s after the kill" } ?? "no degraded read",
                safety: false
            ))
            list.append(.init(
                name: "p99 during the fault ≤ 2× baseline", met: r.faultP99Ms <= 2 * r.baselineP99Ms,
                measured: "\(Int(r.faultP99Ms)) ms vs \(Int(r.baselineP99Ms)) ms", safety: false
            ))
            list.append(.init(name: "restarted node caught up within 10 s", met: (r.convergeSeconds ?? 99) <= 10, measured: seconds(r.convergeSeconds), safety: false))
        case .pauseShort:
            list.append(.init(name: "nobody declared dead", met: !r.victimDeclaredDead, measured: r.victimDeclaredDead ? "declared dead" : "not dead", safety: false))
            list.append(.init(name: "no errors", met: noFailedRequest, measured: failures, safety: false))
        case .partitionOne:
            list.append(.init(name: "majority side keeps full availability", met: noFailedRequest, measured: failures, safety: false))
            list.append(.init(
                name: "counters on every member within 10 s of healing", met: (r.countersCaughtUpSeconds ?? 99) <= 10,
                measured: seconds(r.countersCaughtUpSeconds), safety: false
            ))
        case .rollingRestart:
            list.append(.init(name: "no failed request", met: noFailedRequest, measured: failures, safety: false))
            list.append(.init(name: "full coverage throughout", met: r.fullCoverage == 1, measured: percent(r.fullCoverage), safety: false))
        case .joinLeave:
            // N: the nodes while six are in (after the join, before the leave).
            let bound = 1.5 / Double(nodes + 1)
            for (what, share) in [("join", r.movedOnJoin), ("leave", r.movedOnLeave)] {
                list.append(.init(
                    name: "at most about 1/N of replica assignments move on the \(what) (≤ 1.5/N, N = \(nodes + 1))", met: (share ?? 1) <= bound,
                    measured: share.map { String(format: "%.1f %% (1/N = %.1f %%)", $0 * 100, 100 / Double(nodes + 1)) } ?? "not measured", safety: false
                ))
            }
        case .killBeforeAnswer:
            list.append(.init(
                name: "\(crashesWanted) crashes before answering", met: (r.crashes ?? 0) >= crashesWanted,
                measured: "\(r.crashes ?? 0) (\(r.crashesBeforeCommit ?? 0) before the commit)", safety: false
            ))
        case .none, .pauseLong, .gatewayLink, .ring, .slowNode:
            break
        }
        return list
    }
}
