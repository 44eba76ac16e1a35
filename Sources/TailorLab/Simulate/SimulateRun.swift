import Foundation

/// Starts visits on an open-loop schedule — one every 1/rate, whatever the gateway
/// does — with at most `concurrency` in flight, and adds up what they did.
///
/// A visit that finds every slot busy waits for one; when it starts more than a
/// second behind its time it counts as late, so a slow gateway shows as fewer
/// visits per second than asked rather than as a silently slower run.
struct SimulateRun: Sendable {
    var setting: StorefrontVisit.Setting
    var rate: Double
    var visits: Int
    var concurrency: Int

    func run(progress: @escaping @Sendable (Int, Int) -> Void) async -> (tally: SimulationTally, seconds: Double) {
        let schedule = OpenLoopSchedule(rate: rate, warmup: .zero, duration: .seconds(Double(visits) / rate))
        let clock = ContinuousClock()
        let start = clock.now
        var tally = SimulationTally()
        let setting = self.setting
        let visits = self.visits
        await withTaskGroup(of: SimulationTally.self) { group in
            var inFlight = 0
            var lastProgress = start
            for number in 0..<visits {
                let due = start + schedule.offset(of: number)
                try? await clock.sleep(until: due)
                if inFlight >= concurrency, let done = await group.next() {
                    tally.add(done)
                    inFlight -= 1
                }
                let late = clock.now - due > .seconds(1)
                let bucket = min(SimulationTally.buckets - 1, number * SimulationTally.buckets / visits)
                group.addTask {
                    var visit = StorefrontVisit(number: number, bucket: bucket, setting: setting)
                    return await visit.play(late: late)
                }
                inFlight += 1
                if clock.now - lastProgress > .seconds(5) {
                    lastProgress = clock.now
                    progress(number, visits)
                }
            }
            for await done in group { tally.add(done) }
        }
        let elapsed = clock.now - start
        return (tally, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}
