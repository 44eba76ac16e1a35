import Foundation
import TailorClient
import TailorNode

/// Runs one scenario on a fresh cluster (in fresh namespaces when isolated) and checks
/// its history.
struct ChaosRun {
    let executable: String
    let directory: URL
    let nodes: Int
    let isolated: Bool
    let scenario: ChaosScenario

    /// The failpoint's chance per batch of events on each node (kill-before-answer).
    static let crashProbability = 0.03

    func run() async throws -> ChaosResult {
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cluster = ChaosCluster(executable: executable, directory: directory, nodes: nodes, isolated: isolated)
        if scenario.fault == .killBeforeAnswer {
            cluster.nodeEnvironment[CrashFailpoint.environmentVariable] =
                "\(Self.crashProbability),\(directory.appendingPathComponent("failpoint-armed").path)"
        }
        try cluster.network.create()
        do {
            let result = try await run(on: cluster)
            await cluster.stop()
            cluster.network.destroy()
            return result
        } catch {
            await cluster.stop()
            cluster.network.destroy()
            throw error
        }
    }

    private func run(on cluster: ChaosCluster) async throws -> ChaosResult {
        try await cluster.start()
        let load = ChaosLoad(api: cluster.api)
        try await load.prepare()
        let loadTask = Task { await load.run() }
        let watch = Task { await watchVictim(cluster, load: load) }
        try await Task.sleep(for: scenario.baseline)
        let faultStart = load.now
        let outcome = try await scenario.inject(into: cluster)
        let faultEnd = load.now
        // From healing: how long until every member's counters hold every event acknowledged before it.
        let acknowledgedAtHeal = Self.counterCounts(load.recorded)
        let countersCatchUp = Task { await waitForCounters(cluster, atLeast: acknowledgedAtHeal, since: faultEnd, load: load) }
        // Settle: every node up with complete replicas.
        var convergeSeconds: Double?
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if await cluster.settled() {
                convergeSeconds = load.now - faultEnd
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(4))
        load.drain()
        loadTask.cancel()
        _ = await loadTask.value
        let loadEnd = load.now
        watch.cancel()
        let (detectSeconds, declaredDead) = await watch.value
        let countersCaughtUp = await countersCatchUp.value
        let history = load.recorded
        let (countersEqualSeconds, counterMismatches) = await checkCounters(history, cluster: cluster, load: load, since: loadEnd)
        let (lost, phantoms, examples, held) = try await checkEvents(history, cluster: cluster)
        let (outcomesEqualSeconds, outcomeMismatches, outcomeEvents) = await checkOutcomes(history, held: held, cluster: cluster, load: load, since: loadEnd)
        var result = summarize(history, faultStart: faultStart, faultEnd: faultEnd)
        result.lost = lost
        result.phantoms = phantoms
        result.lostExamples = examples
        result.convergeSeconds = convergeSeconds
        result.detectSeconds = scenario.fault.hasVictim ? detectSeconds.map { $0 - faultStart } : nil
        result.victimDeclaredDead = declaredDead
        result.counterProducts = ChaosLoad.counterProducts.count
        result.counterMismatches = counterMismatches
        result.countersCaughtUpSeconds = countersCaughtUp
        result.countersEqualSeconds = countersEqualSeconds
        result.outcomeEvents = outcomeEvents
        result.outcomeMismatches = outcomeMismatches
        result.outcomesEqualSeconds = outcomesEqualSeconds
        result.crashes = outcome.crashes
        result.crashesBeforeCommit = outcome.crashesBeforeCommit
        result.movedOnJoin = outcome.movedOnJoin
        result.movedOnLeave = outcome.movedOnLeave
        result.criteria = ChaosCriteria.evaluate(result, fault: scenario.fault, nodes: nodes, crashesWanted: scenario.crashes)
        try ChaosPicture(result: result, series: ChaosSeries(history)).svg().write(
            to: directory.appendingPathComponent("\(scenario.name).svg"), atomically: true, encoding: .utf8
        )
        return result
    }

    /// Polls the gateway's membership view every 100 ms: when the victim was first seen
    /// suspect or dead after the fault began (load clock), and whether it was ever seen dead.
    private func watchVictim(_ cluster: ChaosCluster, load: ChaosLoad) async -> (Double?, Bool) {
        var dead = false
        var detected: Double?
        let baselineEnds = ChaosLoad.seconds(scenario.baseline)
        while !Task.isCancelled {
            let at = load.now
            if let gossip = await cluster.clusterStatus()?["gossip"] as? [String: Any], let members = gossip["members"] as? [[String: Any]],
                let status = members.first(where: { $0["name"] as? String == scenario.victim })?["status"] as? String
            {
                if status == "dead" { dead = true }
                if (status == "dead" || status == "suspect"), detected == nil, at >= baselineEnds { detected = at }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return (detected, dead)
    }

    /// Acknowledged events per counter product.
    static func counterCounts(_ history: ChaosHistory) -> [String: Int] {
        var counts: [String: Int] = [:]
        for write in history.writes where write.acknowledged { counts[write.counterProduct, default: 0] += 1 }
        return counts
    }

    /// Seconds from `since` until every member reads at least `atLeast` for every counter
    /// product (nil if not within 60 s).
    private func waitForCounters(_ cluster: ChaosCluster, atLeast: [String: Int], since: Double, load: ChaosLoad) async -> Double? {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let readings = await cluster.counterReadings(ChaosLoad.counterProducts)
            let complete = readings.values.allSatisfy { reading in
                guard let reading else { return false }
                return atLeast.allSatisfy { (reading[$0.key] ?? 0) >= Double($0.value) - 0.5 }
            }
            if complete { return load.now - since }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }

    /// After the load stopped: every member's reading of each counter product must equal
    /// the number of distinct events that viewed it — the acknowledged ones, plus at most
    /// the never-acknowledged ones (which may or may not have been stored). Waits up to
    /// 30 s for the members to agree; returns when they did (s after the load stopped)
    /// and the products that still disagree.
    private func checkCounters(_ history: ChaosHistory, cluster: ChaosCluster, load: ChaosLoad, since: Double) async -> (Double?, [String]) {
        let acknowledged = Self.counterCounts(history)
        var uncertain: [String: Int] = [:]
        for write in history.writes where !write.acknowledged { uncertain[write.counterProduct, default: 0] += 1 }
        var mismatches: [String] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let readings = await cluster.counterReadings(ChaosLoad.counterProducts)
            mismatches = []
            for product in ChaosLoad.counterProducts {
                let low = Double(acknowledged[product] ?? 0) - 0.5
                let high = Double((acknowledged[product] ?? 0) + (uncertain[product] ?? 0)) + 0.5
                let values = readings.sorted { $0.key < $1.key }.map { member, reading in (member, reading?[product]) }
                let agree = values.allSatisfy { $0.1.map { abs($0 - (values.first?.1 ?? -1)) < 0.5 && $0 >= low && $0 <= high } ?? false }
                if !agree {
                    let shown = values.map { "\($0.0)=\($0.1.map { String(format: "%.2f", $0) } ?? "none")" }.joined(separator: " ")
                    mismatches.append("\(product): expected \(acknowledged[product] ?? 0)…\(Int(high)), read \(shown)")
                }
            }
            if mismatches.isEmpty { return (load.now - since, []) }
            if ContinuousClock.now > deadline { return (nil, mismatches) }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Every acknowledged event looked for on every replica of its shopper's partition,
    /// and every event a replica holds looked for among those attempted.
    private func checkEvents(
        _ history: ChaosHistory, cluster: ChaosCluster
    ) async throws -> (lost: Int, phantoms: Int, examples: [String], held: Set<String>) {
        var acknowledged: [String: Set<String>] = [:]
        var attempted: [String: Set<String>] = [:]
        for write in history.writes {
            attempted[write.shopper, default: []].formUnion(write.ids)
            if write.acknowledged { acknowledged[write.shopper, default: []].formUnion(write.ids) }
        }
        var lost = 0
        var phantoms = 0
        var examples: [String] = []
        var heldAnywhere = Set<String>()
        for (shopper, ids) in attempted.sorted(by: { $0.key < $1.key }) {
            let acked = acknowledged[shopper] ?? []
            guard let (status, data) = try? await cluster.api.get("/v1/users/\(shopper)/export"), status == 200,
                let export = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let replicas = export["replicas"] as? [String]
            else {
                lost += acked.count
                examples.append("\(shopper): export failed")
                continue
            }
            var missing = Set<String>()
            var extra = Set<String>()
            for replica in replicas {
                let answer = try? await cluster.api.get("/v1/users/\(shopper)/export?replica=\(replica)")
                guard let answer, answer.0 == 200 else {
                    missing.formUnion(acked)
                    if examples.count < 10 { examples.append("\(shopper)@\(replica): export failed (\(answer?.0 ?? 0))") }
                    continue
                }
                let events = ((try? JSONSerialization.jsonObject(with: answer.1)) as? [String: Any])?["events"] as? [[String: Any]] ?? []
                let held = Set(events.compactMap { $0["id"] as? String })
                heldAnywhere.formUnion(held)
                let lacking = acked.subtracting(held)
                missing.formUnion(lacking)
                extra.formUnion(held.subtracting(ids))
                if !lacking.isEmpty, examples.count < 10 { examples.append("\(shopper)@\(replica): \(lacking.count) missing") }
            }
            lost += missing.count
            phantoms += extra.count
            if !extra.isEmpty, examples.count < 10 { examples.append("\(shopper): \(extra.count) never attempted") }
        }
        return (lost, phantoms, examples, heldAnywhere)
    }

    private func summarize(_ history: ChaosHistory, faultStart: Double, faultEnd: Double) -> ChaosResult {
        let baseline = history.reads.filter { $0.at < faultStart && $0.status == 200 }.map(\.milliseconds)
        let during = history.reads.filter { $0.at >= faultStart && $0.at <= faultEnd + 1 }
        let reads = history.reads.count
        // A product out of stock recommended by a request sent after the gateway acknowledged the stock-out.
        var violations: [String] = []
        for out in history.stockOuts {
            for read in history.reads where read.at > out.acknowledgedAt && read.products.contains(out.product) {
                violations.append("\(out.product) at \(String(format: "%.1f", read.at)) s (out since \(String(format: "%.1f", out.acknowledgedAt)) s)")
            }
        }
        let degradedDuring = during.filter { !$0.fullCoverage }
        var reasons: [String: Int] = [:]
        for read in history.reads where !read.fullCoverage {
            // Reasons name partitions and members; the kind of reason is what repeats.
            for reason in read.reasons.isEmpty ? [read.status == 200 ? "degraded, no reason given" : "status \(read.status)"] : read.reasons {
                reasons[reason, default: 0] += 1
            }
        }
        let answered = history.reads.filter { $0.status == 200 }
        let answeredDuring = during.filter { $0.status == 200 }.map(\.milliseconds)
        var result = ChaosResult(scenario: scenario.name)
        result.batchesAttempted = history.writes.count
        result.eventsAttempted = history.writes.reduce(0) { $0 + $1.ids.count }
        result.eventsAcknowledged = history.writes.filter(\.acknowledged).reduce(0) { $0 + $1.ids.count }
        result.batchesFailedFirstTry = history.writes.filter { $0.firstStatus != 200 }.count
        result.batchesNeverAcknowledged = history.writes.filter { !$0.acknowledged }.count
        result.reads = reads
        result.availability = reads == 0 ? 0 : Double(answered.count) / Double(reads)
        result.fullCoverage = reads == 0 ? 0 : Double(history.reads.filter(\.fullCoverage).count) / Double(reads)
        result.degradedReadsDuringFault = degradedDuring.count
        result.lastDegradedAfterFaultStart = degradedDuring.map { $0.at - faultStart }.max()
        result.degradedReasons = reasons
        result.baselineP50Ms = ChaosSeries.percentile(baseline, 0.5) ?? 0
        result.baselineP99Ms = ChaosSeries.percentile(baseline, 0.99) ?? 0
        result.faultP50Ms = ChaosSeries.percentile(answeredDuring, 0.5) ?? 0
        result.faultP99Ms = ChaosSeries.percentile(answeredDuring, 0.99) ?? 0
        result.stockOuts = history.stockOuts.count
        result.stockViolations = violations.count
        result.stockViolationExamples = Array(violations.prefix(5))
        result.faultStart = faultStart
        result.faultEnd = faultEnd
        return result
    }
}
