import Foundation

/// Runs one scenario on a fresh cluster in fresh namespaces and checks its history.
struct ChaosRun {
    let executable: String
    let directory: URL
    let nodes: Int
    let scenario: ChaosScenario

    func run() async throws -> ChaosResult {
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cluster = ChaosCluster(executable: executable, directory: directory, nodes: nodes)
        try cluster.network.create()
        defer {
            cluster.stop()
            cluster.network.destroy()
        }
        try await cluster.start()
        let load = ChaosLoad(gatewayURL: cluster.gatewayURL)
        let loadTask = Task { await load.run() }
        let watch = Task { await watchVictim(cluster, load: load) }
        try await Task.sleep(for: scenario.baseline)
        let faultStart = load.now
        try await scenario.inject(into: cluster)
        let faultEnd = load.now
        // Settle: every node up with complete replicas, then anti-entropy's interval twice.
        var convergeSeconds: Double?
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if await cluster.settled() {
                convergeSeconds = load.now - faultEnd
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(5))
        loadTask.cancel()
        _ = await loadTask.value
        watch.cancel()
        let declaredDead = await watch.value
        try await Task.sleep(for: .seconds(4))
        let history = load.recorded
        let (lost, examples) = try await check(history, cluster: cluster)
        return summarize(history, lost: lost, examples: examples, faultStart: faultStart, faultEnd: faultEnd,
                         converge: convergeSeconds, declaredDead: declaredDead)
    }

    /// Polls the gateway's membership view; true if the victim was ever seen dead.
    private func watchVictim(_ cluster: ChaosCluster, load: ChaosLoad) async -> Bool {
        var dead = false
        while !Task.isCancelled {
            if let (_, data) = try? await ChaosHTTP.get("\(cluster.gatewayURL)/v1/cluster"),
                let view = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                let gossip = view["gossip"] as? [String: Any], let members = gossip["members"] as? [[String: Any]],
                members.contains(where: { $0["name"] as? String == scenario.victim && $0["status"] as? String == "dead" })
            {
                dead = true
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return dead
    }

    /// Every acknowledged event looked for on every replica of its shopper's partition.
    private func check(_ history: ChaosHistory, cluster: ChaosCluster) async throws -> (Int, [String]) {
        var acknowledged: [String: Set<String>] = [:]
        for write in history.writes where write.status == 200 { acknowledged[write.user, default: []].formUnion(write.ids) }
        var lost = 0
        var examples: [String] = []
        for (user, ids) in acknowledged.sorted(by: { $0.key < $1.key }) {
            guard let (status, data) = try? await ChaosHTTP.get("\(cluster.gatewayURL)/v1/users/\(user)/export"), status == 200,
                let export = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let replicas = export["replicas"] as? [String]
            else {
                lost += ids.count
                examples.append("\(user): export failed")
                continue
            }
            var missing = Set<String>()
            for replica in replicas {
                let answer = try? await ChaosHTTP.get("\(cluster.gatewayURL)/v1/users/\(user)/export?replica=\(replica)")
                let events = answer.flatMap { (try? JSONSerialization.jsonObject(with: $0.1)) as? [String: Any] }?["events"] as? [[String: Any]] ?? []
                let held = Set(events.compactMap { $0["id"] as? String })
                let lacking = ids.subtracting(held)
                missing.formUnion(lacking)
                if !lacking.isEmpty, examples.count < 10 { examples.append("\(user)@\(replica): \(lacking.count) missing") }
            }
            lost += missing.count
        }
        return (lost, examples)
    }

    private func summarize(
        _ history: ChaosHistory, lost: Int, examples: [String], faultStart: Double, faultEnd: Double, converge: Double?, declaredDead: Bool
    ) -> ChaosResult {
        func percentile(_ values: [Double], _ p: Double) -> Double {
            guard !values.isEmpty else { return 0 }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        let baseline = history.reads.filter { $0.at < faultStart && $0.status == 200 }.map(\.milliseconds)
        let during = history.reads.filter { $0.at >= faultStart && $0.at <= faultEnd + 1 && $0.status == 200 }.map(\.milliseconds)
        let reads = history.reads.count
        return ChaosResult(
            scenario: scenario.name, writesAttempted: history.writes.count,
            eventsAcknowledged: history.writes.filter { $0.status == 200 }.reduce(0) { $0 + $1.ids.count },
            writesFailed: history.writes.filter { $0.status != 200 }.count, lost: lost, lostExamples: examples, reads: reads,
            availability: reads == 0 ? 0 : Double(history.reads.filter { $0.status == 200 }.count) / Double(reads),
            fullCoverage: reads == 0 ? 0 : Double(history.reads.filter(\.fullCoverage).count) / Double(reads),
            baselineP50Ms: percentile(baseline, 0.5), baselineP99Ms: percentile(baseline, 0.99),
            faultP50Ms: percentile(during, 0.5), faultP99Ms: percentile(during, 0.99),
            convergeSeconds: converge, victimDeclaredDead: declaredDead, faultStart: faultStart, faultEnd: faultEnd
        )
    }
}
