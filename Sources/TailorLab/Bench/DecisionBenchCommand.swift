import ArgumentParser
import Foundation
import NIOHTTP1
import TailorClient
import TailorJourneys
import TailorModel
import TailorProcess
import TailorSettings

/// `tailor-lab bench decisions`: what a page's decisions cost against the plain
/// recommendation the page would ask for without them, as CPU time of the cluster's
/// processes per request, both on the same cluster in the same run.
struct DecisionBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "CPU per decision (the guide's 5 points + home_for_you) against a plain home_for_you recommendation.",
        discussion: """
            Starts one cluster (3 nodes with the demo shop and its decision points, a gateway, \
            --insecure-no-auth). Round after round, offers the same page visits (open loop, the \
            same shoppers, sessions, contexts and k for both) twice: as POST /v1/decisions for the \
            guide's page (homepage_variant, hero, discount_offer, exit_offer, urgency_badge and \
            the home_for_you placement) and as POST /v1/recommendations for home_for_you alone, \
            the reference (the order alternating), reading the CPU time the cluster's processes \
            spent per answered request from /proc. A quarter of the visits report exit intent. \
            Prints each round, the medians and their ratio, and the median of each round's own ratio.
            """
    )

    @OptionGroup var load: BenchLoadOptions

    @Option(help: "The cluster's gateway port; its nodes follow.")
    var port = 29_480

    @Flag(help: "Only the in-process timing of a decision's own work (facts, segments, 5 points), no cluster.")
    var workOnly = false

    @Option(help: "The decision's points, comma-separated, instead of the guide's page (to take the decision apart).")
    var points: String?

    /// Microseconds for a decision's own work in one process: a shopper's facts from 40
    /// events, the 5 default segments' rules, the guide's 5 points decided (the median of
    /// 5 timings of 20,000 decisions over 8 shoppers).
    static func workMicroseconds() throws -> Double {
        let rules = try DefaultSegments.rules.map { (id: $0.id, rule: try SegmentRule.parse($0.rule)) }
        let definitions = Dictionary(uniqueKeysWithValues: GuideJourney.decisionPoints.map { ($0.id, $0.definition) })
        let points = GuideJourney.pagePoints.filter { definitions[$0] != nil }
        let nowMillis: Int64 = 1_800_000_000_000
        let histories = (0..<8).map { shopper in benchHistory(shopper: shopper, nowMillis: nowMillis) }
        let contexts = (0..<8).map { index in
            RecommendationContext(page: "home", device: LoadMix.devices[index % 3], source: LoadMix.sources[index % 4], exitIntent: index % 4 == 0, localHour: 19).factContext
        }
        let shown = [ShownTreatment(point: "exit_offer", treatment: "welcome_ten", atMillis: nowMillis - 3_600_000)]
        var timings: [Double] = []
        let count = 20_000
        for _ in 0..<5 {
            var treatments = 0
            let started = ContinuousClock.now
            for index in 0..<count {
                let facts = ShopperFacts.of(events: histories[index & 7], context: contexts[index & 7], nowMillis: nowMillis)
                let segments = rules.filter { $0.rule.holds(for: facts) }.map(\.id)
                for point in points {
                    let decision = PointDecision.decide(point: point, definition: definitions[point]!, segments: segments, shown: shown, nowMillis: nowMillis)
                    treatments &+= decision.treatment == nil ? 0 : 1
                }
            }
            precondition(treatments > 0)
            timings.append(DurationText.seconds(ContinuousClock.now - started) * 1e6 / Double(count))
        }
        return AuthBenchCommand.median(timings)
    }

    /// 40 events of a shopper: views, searches, cart adds and a purchase over a month, the
    /// last few in a session going on now.
    private static func benchHistory(shopper: Int, nowMillis: Int64) -> [StoredEvent] {
        let categories = ["Sports > Running > Shoes", "Home > Kitchen", "Electronics > Audio", "Outdoor > Jackets"]
        return (0..<40).map { index in
            let type: EventType = index % 13 == 12 ? .purchase : index % 5 == 4 ? .addToCart : index % 7 == 6 ? .search : .view
            let product = ProductRef(
                id: "p\(shopper * 100 + index % 17)", category: categories[(shopper + index) % 4], brand: "brand-\(index % 5)", price: Double(20 + index)
            )
            return StoredEvent(
                id: "e-\(shopper)-\(index)", type: type, shopper: "u\(shopper)", session: "u\(shopper)-s\(index / 10)",
                products: [product], atMillis: nowMillis - Int64(40 - index) * (index >= 35 ? 60_000 : 18 * 3_600_000)
            )
        }
    }

    func run() async throws {
        let work = try Self.workMicroseconds()
        print("a decision's own work (facts from 40 events, 5 segment rules, 5 points): \(String(format: "%.2f", work)) µs")
        if workOnly { return }
        let cluster = try await AuthBenchCluster.start(secured: false, executable: Executables.tailor, port: port, small: load.small)
        defer { cluster.stop() }
        try await waitForDecisionPoints(PublicAPIClient(gateway: cluster.address))
        print("\n" + load.header("decisions", requests: "requests"))
        print("| round | request | answered/s | p50 ms | p99 ms | errors | cluster CPU µs per request |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        var perRequest: [LoadKind: [Double]] = [.decisions: [], .recommendations: []]
        var byProcess: [LoadKind: [(gateway: Double, nodes: Double)]] = [.decisions: [], .recommendations: []]
        for kind in [LoadKind.decisions, .recommendations] {
            _ = await run(cluster, kind, round: 0, warmup: .zero, duration: load.warmupDuration * 2)
        }
        for round in 1...load.rounds {
            for kind in round % 2 == 1 ? [LoadKind.decisions, .recommendations] : [.recommendations, .decisions] {
                let result = await run(cluster, kind, round: round, warmup: load.warmupDuration, duration: load.measured)
                let (micros, row) = BenchLoadOptions.perRequest(result, of: kind)
                perRequest[kind]!.append(micros)
                byProcess[kind]!.append(Self.gatewayAndNodes(result, of: kind))
                print("| \(round) | \(kind == .decisions ? "decision (\(points ?? "5 points + home_for_you"))" : "plain recommendation (home_for_you)") | " + row)
                fflush(nil)
            }
        }
        let decision = AuthBenchCommand.median(perRequest[.decisions]!)
        let reference = AuthBenchCommand.median(perRequest[.recommendations]!)
        print(
            "\nmedian CPU per request: decision \(String(format: "%.0f", decision)) µs, plain recommendation \(String(format: "%.0f", reference)) µs "
                + "(the reference, same cluster, same run)"
        )
        // Each round measures both back to back: their ratio cancels the drift between rounds.
        let paired = AuthBenchCommand.median(zip(perRequest[.decisions]!, perRequest[.recommendations]!).map { $0 / $1 })
        print("ratio \(String(format: "%.3f", decision / reference)) (goal ≤ 1.2); median of the rounds' own ratios \(String(format: "%.3f", paired))")
        func split(_ kind: LoadKind) -> String {
            let gateway = AuthBenchCommand.median(byProcess[kind]!.map(\.gateway))
            let nodes = AuthBenchCommand.median(byProcess[kind]!.map(\.nodes))
            return "gateway \(String(format: "%.0f", gateway)) µs + 3 nodes \(String(format: "%.0f", nodes)) µs"
        }
        print("by process (medians): decision \(split(.decisions)); plain recommendation \(split(.recommendations))")
    }

    /// CPU µs per answered request of the gateway and of the nodes together (the
    /// processes are the nodes, then the gateway, then the load generator).
    private static func gatewayAndNodes(_ result: LoadRun.Result, of kind: LoadKind) -> (gateway: Double, nodes: Double) {
        let answered = LoadReport.Kind(result.tally[kind], duration: result.duration).achievedPerSecond * DurationText.seconds(result.duration)
        let seconds = result.cpu.dropLast().map { $0.map(DurationText.seconds) ?? .nan }
        guard answered > 0, let gateway = seconds.last else { return (.nan, .nan) }
        return (gateway * 1e6 / answered, seconds.dropLast().reduce(0, +) * 1e6 / answered)
    }

    /// The demo's decision points reach the gateway by config sync: waits until a
    /// decision knows every point of the page.
    private func waitForDecisionPoints(_ api: PublicAPIClient) async throws {
        let points = GuideJourney.pagePoints.map { #""\#($0)""# }.joined(separator: ",")
        let deadline = ContinuousClock.now + .seconds(30)
        var last = ""
        while ContinuousClock.now < deadline {
            let (status, body) = try await api.send(.POST, "/v1/decisions", json: #"{"user":"bench-probe","points":[\#(points)]}"#)
            last = "\(status) \(String(decoding: body, as: UTF8.self).prefix(300))"
            if status == 200, !String(decoding: body, as: UTF8.self).contains("no decision point") { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError("the gateway does not know the demo's decision points: \(last)")
    }

    private func run(_ cluster: AuthBenchCluster, _ kind: LoadKind, round: Int, warmup: Duration, duration: Duration) async -> LoadRun.Result {
        await load.load(
            cluster.address, cpu: cluster.cpu, round: round, eventIDPrefix: "decisions", warmup: warmup, duration: duration, only: kind,
            points: points.map { $0.split(separator: ",").map(String.init) }
        )
    }
}
