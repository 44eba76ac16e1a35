import TailorDemo
import Testing

@Suite("Storefront response model")
struct StorefrontModelTests {
    let model = StorefrontModel(shop: DemoFixture.shop)
    let shop = DemoFixture.shop

    /// A shopper whose first taste has products, and one of those products.
    private func shopperWithTasteProduct() -> (DemoShop.Visitor, DemoShop.ProductFacts) {
        for index in 0..<100 {
            let visitor = shop.visitor(index)
            if let leaf = visitor.tastes.first, let product = shop.productIndexes(inLeaf: leaf).first {
                return (visitor, model.facts(of: DemoIDs.product(product))!)
            }
        }
        Issue.record("no shopper with a stocked taste among the first 100")
        return (shop.visitor(0), model.facts(of: DemoIDs.product(0))!)
    }

    @Test("position bias falls with every position down the list")
    func positionBias() {
        let bias = (1...20).map(model.positionBias)
        #expect(bias[0] == 1)
        #expect(zip(bias, bias.dropFirst()).allSatisfy { $0 > $1 })
    }

    @Test("a product of the shopper's taste is liked more than one of a department they never shop")
    func affinity() {
        let (visitor, liked) = shopperWithTasteProduct()
        let stranger = shop.productFacts.first { !visitor.departments.contains($0.department) }!
        #expect(model.affinity(liked, for: visitor) > model.affinity(stranger, for: visitor))
        #expect(model.clickProbability(liked, at: 1, for: visitor) > model.clickProbability(stranger, at: 1, for: visitor))
        #expect(model.clickProbability(liked, at: 1, for: visitor) > model.clickProbability(liked, at: 5, for: visitor))
    }

    @Test("the chance to buy falls as the price rises above the shopper's budget")
    func priceAboveBudget() {
        let (visitor, product) = shopperWithTasteProduct()
        let budget = model.budget(for: product, of: visitor)
        let prices = [0.5, 1.0, 1.2, 1.5, 2, 3].map { budget * $0 }
        let chances = prices.map { price -> Double in
            var priced = product
            priced.price = price
            return model.purchaseProbability(priced, for: visitor)
        }
        #expect(chances[0] == chances[1], "flat up to the budget")
        #expect(zip(chances.dropFirst(), chances.dropFirst(2)).allSatisfy { $0 > $1 })
    }

    @Test("the same seed draws the same visits and the same reactions; another seed others")
    func determinism() {
        let shown = (0..<10).map { DemoIDs.product($0 * 7) }
        func run(seed: UInt64) -> [(String, [StorefrontModel.Reaction])] {
            (0..<200).map { number in
                var plan = model.plan(visit: number, seed: seed)
                let page = plan.productPage.map { [$0] } ?? []
                return (plan.visitor.id + plan.device + plan.source, model.react(to: page + shown, of: plan.visitor, using: &plan.random))
            }
        }
        let first = run(seed: 42)
        let again = run(seed: 42)
        let other = run(seed: 43)
        #expect(first.map(\.0) == again.map(\.0))
        #expect(first.map(\.1) == again.map(\.1))
        #expect(first.map(\.0) != other.map(\.0))
        #expect(first.contains { $0.1.contains(where: \.clicked) }, "200 visits click something")
    }

    @Test("a product the demo does not have is shown but never clicked")
    func unknownProduct() {
        var plan = model.plan(visit: 0, seed: 1)
        let reactions = model.react(to: ["not-a-demo-product"], of: plan.visitor, using: &plan.random)
        #expect(reactions.count == 1)
        #expect(reactions.allSatisfy { !$0.clicked && !$0.addedToCart && !$0.bought && $0.position == 1 })
    }
}
