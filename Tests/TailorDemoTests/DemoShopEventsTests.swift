import TailorDemo
import TailorModel
import Testing

@Suite("Demo shop shoppers and events")
struct DemoShopEventsTests {
    let shop = DemoFixture.shop
    let events = DemoFixture.events

    @Test("a shopper's events are the same on every call and in every instance")
    func determinism() {
        let again = DemoShop(configuration: .small)
        for index in [0, 42, 2_999] {
            let first = shop.events(ofShopper: index, endingAtMillis: DemoFixture.end)
            #expect(!first.isEmpty)
            #expect(first == shop.events(ofShopper: index, endingAtMillis: DemoFixture.end))
            #expect(first == again.events(ofShopper: index, endingAtMillis: DemoFixture.end))
            #expect(first == events[index])
            #expect(shop.tastes(ofShopper: index) == again.tastes(ofShopper: index))
        }
    }

    @Test("every shopper is visited once, in index order, with 8 to 12 events on average")
    func shoppers() {
        var visited = [Int]()
        shop.forEachShopper(endingAtMillis: DemoFixture.end) { index, _ in visited.append(index) }
        #expect(visited == Array(0..<3_000))
        let average = Double(events.map(\.count).reduce(0, +)) / Double(events.count)
        #expect(average >= 8 && average <= 12, "average \(average)")
    }

    @Test("events name existing products with their category, brand and price")
    func productsExist() {
        // Collected and checked once: an expectation per event would make the test slow.
        var wrong = [String]()
        for (index, shopperEvents) in events.enumerated() {
            for event in shopperEvents {
                if event.shopper != DemoIDs.shopper(index) || event.products.isEmpty { wrong.append(event.id) }
                if event.type == .search && event.query.isEmpty { wrong.append(event.id) }
                for ref in event.products {
                    guard let product = DemoFixture.productsByID[ref.id], ref.category == product.category,
                        ref.brand == product.brand, ref.price == product.price
                    else {
                        wrong.append(event.id)
                        continue
                    }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test("events lie in the 30 days before the end, in time order, with unique ids and named sessions")
    func timesAndIDs() {
        var ids = Set<String>()
        var wrong = [String]()
        for (index, shopperEvents) in events.enumerated() {
            let shopper = DemoIDs.shopper(index)
            var previous = DemoFixture.end - DemoFixture.window
            for (sequence, event) in shopperEvents.enumerated() {
                if event.atMillis < previous || event.atMillis > DemoFixture.end { wrong.append(event.id) }
                if event.id != "demo-\(shopper)-\(sequence)" || !event.session.hasPrefix("s-\(shopper)-") { wrong.append(event.id) }
                previous = event.atMillis
                ids.insert(event.id)
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(ids.count == events.map(\.count).reduce(0, +))
    }

    @Test("the end time only moves the events")
    func endTimeShifts() {
        let earlier = shop.events(ofShopper: 5, endingAtMillis: DemoFixture.end - 86_400_000)
        let later = shop.events(ofShopper: 5, endingAtMillis: DemoFixture.end)
        #expect(earlier.map(\.id) == later.map(\.id))
        #expect(zip(earlier, later).allSatisfy { $1.atMillis - $0.atMillis == 86_400_000 })
    }

    @Test("shoppers' views concentrate in their preferred categories")
    func viewsFollowTastes() {
        var shares = [Double]()
        for (index, shopperEvents) in events.enumerated() {
            let tastes = Set(shop.tastes(ofShopper: index))
            if !(1...3).contains(tastes.count) { Issue.record("shopper \(index) has \(tastes.count) tastes") }
            let views = shopperEvents.filter { $0.type == .view }
            guard !views.isEmpty else { continue }
            let inTaste = views.filter { tastes.contains($0.products[0].category) }.count
            shares.append(Double(inTaste) / Double(views.count))
        }
        let average = shares.reduce(0, +) / Double(shares.count)
        #expect(average > 0.6, "average share of views in tastes \(average)")
    }

    @Test("popular categories are preferred by many more shoppers than the rest")
    func popularTastes() {
        var shoppersOfLeaf = [String: Int]()
        for index in 0..<3_000 {
            for leaf in shop.tastes(ofShopper: index) { shoppersOfLeaf[leaf, default: 0] += 1 }
        }
        let counts = shoppersOfLeaf.values.sorted(by: >)
        #expect(counts[0] > 5 * counts[counts.count / 2])
    }

    @Test("complements are bought together: carts and orders pair a product with one of its complements")
    func complementsInCarts() {
        var purchasesWithPairs = 0
        var multiItemPurchases = 0
        var sessionsWithComplementAdds = 0
        for shopperEvents in events {
            var cartCategoriesBySession = [String: [String]]()
            for event in shopperEvents where event.type == .addToCart {
                cartCategoriesBySession[event.session, default: []].append(event.products[0].category)
            }
            for categories in cartCategoriesBySession.values where hasComplementPair(categories) {
                sessionsWithComplementAdds += 1
            }
            for event in shopperEvents where event.type == .purchase && event.products.count > 1 {
                multiItemPurchases += 1
                if hasComplementPair(event.products.map(\.category)) { purchasesWithPairs += 1 }
            }
        }
        #expect(sessionsWithComplementAdds > 1_000)
        #expect(multiItemPurchases > 300)
        #expect(Double(purchasesWithPairs) / Double(multiItemPurchases) > 0.9)
    }

    @Test("the shop sees every kind of event a history holds (impressions come from Tailor's own answers)")
    func eventKinds() {
        let kinds = Set(events.joined().map(\.type))
        #expect(kinds == Set(EventType.allCases).subtracting([.impression]))
    }

    private func hasComplementPair(_ categories: [String]) -> Bool {
        categories.contains { category in
            let complements = Set(shop.complements(of: category))
            return categories.contains { complements.contains($0) }
        }
    }
}
