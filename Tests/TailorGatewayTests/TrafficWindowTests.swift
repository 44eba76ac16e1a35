import Testing

@testable import TailorGateway

/// The console's live traffic: rates, percentiles and the minute rolling over, on a
/// made-up clock (each count is handed its second).
@Suite("traffic window")
struct TrafficWindowTests {
    @Test("rates divide by the window's 60 s, or by the seconds since start when younger")
    func rates() {
        var window = TrafficWindow(startedAt: 1_000)
        for second in Int64(1_000)..<1_060 {
            window.count(.recommendations, at: second)
            window.count(.recommendations, at: second)
            window.count(.events, at: second)
            window.countEventsAccepted(5, at: second)
        }
        window.count(.decisions, at: 1_059)
        window.countHedge(at: 1_059)
        let report = window.report(gateway: "g", at: 1_059)
        #expect(report.windowSeconds == 60)
        #expect(report.requestsPerSecond.recommendations == 2)
        #expect(report.requestsPerSecond.events == 1)
        #expect(report.requestsPerSecond.decisions == (1.0 / 60 * 1000).rounded() / 1000)
        #expect(report.requestsPerSecond.all == (Double(60 * 3 + 1) / 60 * 1000).rounded() / 1000)
        #expect(report.eventsPerSecond == 5)
        #expect(report.series.count == 60)
        #expect(report.series.first?.at == 1_000 && report.series.last?.at == 1_059)
        #expect(report.series.last?.requests == 4 && report.series.last?.events == 5)

        var young = TrafficWindow(startedAt: 2_000)
        for second in Int64(2_000)..<2_010 { young.count(.other, at: second) }
        let early = young.report(gateway: "g", at: 2_009)
        #expect(early.requestsPerSecond.all == 1, "ten requests in the gateway's first ten seconds are 1/s, not 10/60")
        #expect(early.series.count == 60 && early.series.prefix(50).allSatisfy { $0.requests == 0 })
    }

    @Test("p50 and p99 come from the latency buckets, within 9 %; coverage counts degraded answers")
    func percentiles() {
        var window = TrafficWindow(startedAt: 0)
        // 1…100 ms, one each: the true p50 is 50 ms and p99 99 ms.
        for millisecond in 1...100 { window.countRecommendation(milliseconds: Double(millisecond), degraded: millisecond > 90, at: 10) }
        let report = window.report(gateway: "g", at: 10)
        #expect(report.recommendation.count == 100)
        #expect(abs(report.recommendation.p50Ms - 50) / 50 <= 0.091, "\(report.recommendation)")
        #expect(abs(report.recommendation.p99Ms - 99) / 99 <= 0.091, "\(report.recommendation)")
        #expect(report.coverage.full == 90 && report.coverage.degraded == 10 && report.coverage.degradedShare == 0.1)
        #expect(report.series.last?.p50Ms == report.recommendation.p50Ms)
        #expect(report.series.dropLast().allSatisfy { $0.p50Ms == 0 && $0.p99Ms == 0 }, "seconds without answers read 0")

        for (milliseconds, expected) in [(0.01, 0.05), (250_000.0, 100_000.0)] {
            var extreme = TrafficWindow(startedAt: 0)
            extreme.countRecommendation(milliseconds: milliseconds, degraded: false, at: 0)
            #expect(extreme.report(gateway: "g", at: 0).recommendation.p50Ms == expected)
        }
        let empty = TrafficWindow(startedAt: 0).report(gateway: "g", at: 5)
        #expect(empty.recommendation == .init(p50Ms: 0, p99Ms: 0, count: 0) && empty.coverage.degradedShare == 0)
    }

    @Test("a second leaves the window after 60 s and its bucket is reused; counts older than a bucket are dropped")
    func rollOver() {
        var window = TrafficWindow(startedAt: 0)
        window.countRecommendation(milliseconds: 1_000, degraded: true, at: 100)
        window.count(.recommendations, at: 100)
        #expect(window.report(gateway: "g", at: 159).recommendation.count == 1)
        #expect(window.report(gateway: "g", at: 160).recommendation.count == 0, "second 100 is 61 s old at 160")

        // Second 160 shares second 100's bucket: it starts empty, the old latency gone.
        window.countRecommendation(milliseconds: 2, degraded: false, at: 160)
        let report = window.report(gateway: "g", at: 160)
        #expect(report.recommendation.count == 1 && report.coverage.degraded == 0)
        #expect(report.recommendation.p99Ms < 3)
        #expect(report.requestsPerSecond.recommendations == 0)

        window.count(.events, at: 100)
        #expect(window.report(gateway: "g", at: 160).series.last?.requests == 0, "a count for a second its bucket has passed is dropped")
    }

    @Test("the meter reads the clock it is given")
    func meterUsesItsClock() {
        let clock = FakeSeconds(500)
        let meter = TrafficMeter { clock.now }
        meter.count(.recommendations)
        meter.countRecommendation(took: .milliseconds(12), degraded: false)
        meter.countEventsAccepted(3)
        clock.now = 520
        let report = meter.report(gateway: "gw")
        #expect(report.gateway == "gw" && report.series.last?.at == 520)
        #expect(report.recommendation.count == 1 && report.series.first { $0.at == 500 }?.events == 3)
        #expect(report.requestsPerSecond.recommendations == (1.0 / 21 * 1000).rounded() / 1000)
    }
}

/// A settable Unix-seconds clock for ``TrafficMeter``.
private final class FakeSeconds: @unchecked Sendable {
    var now: Int64
    init(_ now: Int64) { self.now = now }
}
