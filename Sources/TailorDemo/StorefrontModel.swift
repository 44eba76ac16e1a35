import Foundation

/// How a demo shopper reacts to the recommendations a storefront shows them: the
/// response model of `tailor-lab simulate`.
///
/// It is pure and seeded: a visit's number and the run's seed fix every draw, so a
/// run can be replayed and tested without a cluster. It reads only the shopper's
/// hidden tastes and budget and each product's own facts, plus which products were
/// shown and where; nothing of Tailor's scores, reasons or signals reaches it, so a
/// strategy cannot earn clicks by agreeing with itself.
///
/// - An item at position `pos` is clicked with probability
///   `clickBase × affinity × 1/log2(1 + pos)` (at most 1).
/// - Affinity is 1 for the shopper's first taste, 0.6 for another taste, 0.25 for
///   another leaf of a taste's department, 0.05 otherwise; × 1.5 for the favourite brand.
/// - A clicked item goes to the cart with probability 0.35 up to the shopper's budget
///   and `0.35 × (budget / price)^3` above it; the budget is the leaf's median price ×
///   0.9, 1.25 or 2.0 for price level 0, 1 or 2.
/// - An item in the cart is bought with probability 0.5, one unit (two units one time
///   in ten) at its catalog price.
package struct StorefrontModel: Sendable {
    /// The model's numbers, stated once so that the docs and the help can quote them.
    package struct Numbers: Sendable {
        package var clickBase = 0.25
        package var firstTasteAffinity = 1.0
        package var otherTasteAffinity = 0.6
        package var departmentAffinity = 0.25
        package var otherAffinity = 0.05
        package var favouriteBrandBonus = 1.5
        package var cartWithinBudget = 0.35
        /// How steeply the cart probability falls above budget: `(budget / price)^this`.
        package var cartPriceExponent = 3.0
        /// The budget as a multiple of the leaf's median price, by price level 0, 1, 2.
        package var budgetFactors = [0.9, 1.25, 2.0]
        package var purchaseOfCart = 0.5
        package var twoUnits = 0.1
        package var mobileShare = 0.6
        /// The visit's traffic source and its share.
        package var sources: [(name: String, share: Double)] = [("ads", 0.25), ("email", 0.15), ("direct", 0.35), ("search", 0.25)]

        package static let standard = Numbers()
    }

    /// Which demo shoppers visit.
    package enum ShopperChoice: String, Sendable, CaseIterable {
        /// Every shopper equally often.
        case uniform
        /// A few shoppers often, most rarely (Zipf, exponent 1, by shopper number).
        case zipf
    }

    /// One shopper's reaction to one shown item.
    package struct Reaction: Sendable, Hashable {
        package var product: String
        package var position: Int
        package var clicked = false
        package var addedToCart = false
        package var bought = false
        /// Units bought (0 unless bought).
        package var quantity = 0
        package var price = 0.0
        package var cost = 0.0
    }

    package let numbers: Numbers
    package let shoppers: ShopperChoice
    private let shop: DemoShop
    private let facts: [DemoShop.ProductFacts]
    private let factIndex: [String: Int]
    private let shopperPopularity: ZipfSampler

    package init(shop: DemoShop, shoppers: ShopperChoice = .zipf, numbers: Numbers = .standard) {
        self.shop = shop
        self.shoppers = shoppers
        self.numbers = numbers
        facts = shop.productFacts
        factIndex = Dictionary(uniqueKeysWithValues: facts.enumerated().map { ($1.id, $0) })
        shopperPopularity = ZipfSampler(count: max(1, shop.configuration.shopperCount), exponent: 1.0)
    }

    /// The facts of a demo product; nil for an id the demo shop does not have.
    package func facts(of product: String) -> DemoShop.ProductFacts? {
        factIndex[product].map { facts[$0] }
    }

    // MARK: The probabilities

    /// How much less an item is looked at the further down it is shown: 1/log2(1 + position).
    package func positionBias(_ position: Int) -> Double {
        1 / log2(1 + Double(max(1, position)))
    }

    /// How much `visitor` likes `product` for what it is, from their hidden tastes only.
    package func affinity(_ product: DemoShop.ProductFacts, for visitor: DemoShop.Visitor) -> Double {
        let base: Double
        if product.leaf == visitor.tastes.first {
            base = numbers.firstTasteAffinity
        } else if visitor.tastes.contains(product.leaf) {
            base = numbers.otherTasteAffinity
        } else if visitor.departments.contains(product.department) {
            base = numbers.departmentAffinity
        } else {
            base = numbers.otherAffinity
        }
        return product.brand == visitor.favouriteBrand ? base * numbers.favouriteBrandBonus : base
    }

    package func clickProbability(_ product: DemoShop.ProductFacts, at position: Int, for visitor: DemoShop.Visitor) -> Double {
        min(1, numbers.clickBase * affinity(product, for: visitor) * positionBias(position))
    }

    /// What `visitor` is happy to pay for a product of this kind.
    package func budget(for product: DemoShop.ProductFacts, of visitor: DemoShop.Visitor) -> Double {
        let factors = numbers.budgetFactors
        return product.typicalPrice * factors[min(max(0, visitor.priceLevel), factors.count - 1)]
    }

    /// The chance that a clicked item goes to the cart: flat up to the budget, falling fast above it.
    package func cartProbability(_ product: DemoShop.ProductFacts, for visitor: DemoShop.Visitor) -> Double {
        let budget = budget(for: product, of: visitor)
        guard product.price > budget else { return numbers.cartWithinBudget }
        return numbers.cartWithinBudget * pow(budget / product.price, numbers.cartPriceExponent)
    }

    /// The chance that a clicked item is bought in the end (to the cart, then paid for).
    package func purchaseProbability(_ product: DemoShop.ProductFacts, for visitor: DemoShop.Visitor) -> Double {
        cartProbability(product, for: visitor) * numbers.purchaseOfCart
    }

    // MARK: Drawing

    /// How `visitor` reacts to `shown` (product ids in the order shown, position 1 first).
    /// Products the demo shop does not have are never clicked.
    package func react(to shown: [String], of visitor: DemoShop.Visitor, using random: inout StorefrontRandom) -> [Reaction] {
        shown.enumerated().map { offset, id in
            var reaction = Reaction(product: id, position: offset + 1)
            // Every item costs the same draws whatever happens, so one item's fate does
            // not shift the next one's: a replay with one answer changed differs only there.
            let draws = (random.unit(), random.unit(), random.unit(), random.unit())
            guard let product = facts(of: id) else { return reaction }
            reaction.price = product.price
            reaction.cost = product.cost
            reaction.clicked = draws.0 < clickProbability(product, at: reaction.position, for: visitor)
            reaction.addedToCart = reaction.clicked && draws.1 < cartProbability(product, for: visitor)
            reaction.bought = reaction.addedToCart && draws.2 < numbers.purchaseOfCart
            reaction.quantity = reaction.bought ? (draws.3 < numbers.twoUnits ? 2 : 1) : 0
            return reaction
        }
    }

    /// The visit numbered `number` of the run with `seed`: who comes, on what, from where,
    /// and which product page of their tastes they open.
    package func plan(visit number: Int, seed: UInt64) -> VisitPlan {
        var random = StorefrontRandom(seed: seed, visit: number)
        let count = max(1, shop.configuration.shopperCount)
        let index = shoppers == .zipf ? shopperPopularity.sample(using: &random.base) : random.base.below(count)
        let visitor = shop.visitor(index)
        let device = random.unit() < numbers.mobileShare ? "mobile" : "desktop"
        var draw = random.unit()
        var source = numbers.sources.last?.name ?? "direct"
        for candidate in numbers.sources {
            if draw < candidate.share { source = candidate.name; break }
            draw -= candidate.share
        }
        // The product page follows a taste as the shopper's sessions do, popular products more often.
        let tasteDraw = random.unit()
        let taste = zip(visitor.tastes, visitor.tasteShares).first { tasteDraw < $0.1 }?.0 ?? visitor.tastes.last
        let products = taste.map { shop.productIndexes(inLeaf: $0) } ?? []
        let productPage = products.isEmpty ? nil : DemoIDs.product(products[min(products.count - 1, Int(Double(products.count) * pow(random.unit(), 3)))])
        return VisitPlan(number: number, visitor: visitor, device: device, source: source, productPage: productPage, random: random)
    }
}

/// Who visits and what they look at; its `random` then draws their reactions.
package struct VisitPlan: Sendable {
    package var number: Int
    package var visitor: DemoShop.Visitor
    package var device: String
    package var source: String
    /// The product page the shopper opens (a product of one of their tastes).
    package var productPage: String?
    package var random: StorefrontRandom
}

/// The simulation's own seeded stream, one per visit, so that visits run concurrently
/// still draw the same numbers whatever order they finish in.
package struct StorefrontRandom: Sendable {
    var base: DemoRandom

    package init(seed: UInt64, visit: Int) {
        base = DemoRandom(seed: seed, stream: UInt64(truncatingIfNeeded: visit), salt: 0x5707_EF00)
    }

    /// Uniform in [0, 1).
    package mutating func unit() -> Double { base.unit() }
}
