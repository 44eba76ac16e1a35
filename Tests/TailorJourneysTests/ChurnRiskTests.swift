import Testing
import TailorModel
@testable import TailorJourneys

@Suite struct ChurnRiskTests {
    static let now: Int64 = 1_760_000_000_000
    static let day: Int64 = 86_400_000

    /// `orders` orders `interval` days apart, the last `silent` days before now, worth `value` in all.
    static func buyer(orders: Int, interval: Double, silent: Double, value: Double = 100) -> PurchaseSummary {
        let last = now - Int64(silent * Double(day))
        return PurchaseSummary(
            orders: orders, value: value, firstMillis: last - Int64(Double(orders - 1) * interval * Double(day)), lastMillis: last
        )
    }

    /// A shop of 400 purchasers: orders every 5 to 80 days, silent up to twice that,
    /// spending 30 to 100 an order.
    static let shop: ChurnDistribution = {
        let summaries = (0..<400).map { index in
            let interval = 5 + Double(index % 16) * 5
            let orders = 1 + index % 9
            return buyer(orders: orders, interval: interval, silent: interval * Double(index % 7) / 3, value: Double(orders) * Double(30 + index % 71))
        }
        return ChurnDistribution(summaries: summaries + [PurchaseSummary()], nowMillis: now)
    }()

    @Test func noPurchaseScoresZero() {
        #expect(ChurnRisk.score(PurchaseSummary(), in: Self.shop, nowMillis: Self.now) == 0)
        #expect(ChurnRisk.score(PurchaseSummary(), in: .empty, nowMillis: Self.now) == 0)
        #expect(Self.shop.purchasers == 400, "shoppers who never bought are not in the shop's distribution")
    }

    @Test(arguments: [(1, 30.0), (4, 7.0), (12, 60.0)])
    func risesWithSilence(orders: Int, interval: Double) {
        let scores = stride(from: 0.0, through: 400, by: 5).map {
            ChurnRisk.score(Self.buyer(orders: orders, interval: interval, silent: $0), in: Self.shop, nowMillis: Self.now)
        }
        for (earlier, later) in zip(scores, scores.dropFirst()) { #expect(later > earlier) }
    }

    @Test func frequentBuyerLongPastTheirIntervalIsRiskierThanARareBuyerWithinTheirs() {
        let frequent = Self.buyer(orders: 10, interval: 7, silent: 21, value: 700)
        let rare = Self.buyer(orders: 3, interval: 70, silent: 50, value: 150)
        #expect(ChurnRisk.daysSinceLast(rare, nowMillis: Self.now) > ChurnRisk.daysSinceLast(frequent, nowMillis: Self.now))
        #expect(ChurnRisk.score(frequent, in: Self.shop, nowMillis: Self.now) > ChurnRisk.score(rare, in: Self.shop, nowMillis: Self.now))
    }

    @Test func boundedBetweenZeroAndOne() {
        let extremes = [
            Self.buyer(orders: 1, interval: 1, silent: 0), Self.buyer(orders: 1, interval: 1, silent: 100_000),
            Self.buyer(orders: 500, interval: 0, silent: 1_000, value: 0), Self.buyer(orders: 2, interval: 365, silent: 0, value: 1e9),
            PurchaseSummary(orders: 3, value: 10, firstMillis: Self.now + Self.day, lastMillis: Self.now + 2 * Self.day),
        ]
        for summary in extremes {
            for distribution in [Self.shop, .empty] {
                let score = ChurnRisk.score(summary, in: distribution, nowMillis: Self.now)
                #expect(score >= 0 && score <= 1, "\(summary): \(score)")
            }
        }
    }

    @Test func aShopWithFewPurchasersFallsBackToNeutralPercentilesAndAMonth() {
        let few = ChurnDistribution(summaries: [Self.buyer(orders: 1, interval: 1, silent: 3), Self.buyer(orders: 2, interval: 4, silent: 9)], nowMillis: Self.now)
        #expect(few.purchasers == 2)
        #expect(few.medianIntervalDays == ChurnDistribution.fallbackIntervalDays)
        #expect(few.recencyPercentile(days: 1) == 0.5 && few.frequencyPercentile(orders: 9) == 0.5 && few.monetaryPercentile(value: 1) == 0.5)
        // One order 15 days ago is half the fallback month; 90 days is three months.
        let soon = ChurnRisk.score(Self.buyer(orders: 1, interval: 0, silent: 15), in: few, nowMillis: Self.now)
        let late = ChurnRisk.score(Self.buyer(orders: 1, interval: 0, silent: 90), in: few, nowMillis: Self.now)
        #expect(soon < late)
    }

    @Test func percentilesPlaceAShopperAmongTheShop() {
        let distribution = ChurnDistribution(
            summaries: (1...100).map { Self.buyer(orders: $0, interval: 1, silent: Double($0), value: Double($0)) }, nowMillis: Self.now
        )
        #expect(abs(distribution.recencyPercentile(days: 50) - 0.495) < 0.02)
        #expect(distribution.frequencyPercentile(orders: 0) == 0)
        #expect(distribution.frequencyPercentile(orders: 1_000) == 1)
        #expect(distribution.monetaryPercentile(value: 25.5) == 0.25)
    }

    @Test func largeShopsKeepBoundedQuantiles() {
        let summaries = (0..<100_000).map { Self.buyer(orders: 1 + $0 % 20, interval: 10, silent: Double($0 % 365), value: Double($0)) }
        let distribution = ChurnDistribution(summaries: summaries, nowMillis: Self.now)
        #expect(distribution.purchasers == 100_000)
        #expect(distribution.values.count == ChurnDistribution.quantileCount)
        #expect(abs(distribution.monetaryPercentile(value: 25_000) - 0.25) < 1.0 / Double(ChurnDistribution.quantileCount) + 0.001)
    }
}
