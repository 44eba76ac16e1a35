import Testing
import TailorDemo
import TailorModel

/// The repeat buyers are a population of their own: they leave the demo's shoppers
/// as they were and stay a small share of its events.
@Suite struct DemoRepeatBuyerTests {
    @Test func theyAreNewShoppersWithFewEvents() {
        let shop = DemoFixture.shop
        var ids = Set<String>()
        var events = 0
        var churners = 0
        shop.forEachRepeatBuyer(endingAtMillis: DemoFixture.end) { buyer in
            ids.insert(buyer.id)
            events += buyer.events.count
            if buyer.churned { churners += 1 }
            #expect(buyer.events.allSatisfy { $0.shopper == buyer.id && $0.atMillis <= DemoFixture.end })
        }
        let shoppers = Set(DemoFixture.events.compactMap { $0.first?.shopper })
        #expect(ids.count == shop.repeatBuyerCount)
        #expect(ids.isDisjoint(with: shoppers))
        #expect(churners > 0 && churners < shop.repeatBuyerCount)
        let demoEvents = DemoFixture.events.reduce(0) { $0 + $1.count }
        #expect(Double(events) < 0.05 * Double(demoEvents), "\(events) of \(demoEvents)")
    }
}
