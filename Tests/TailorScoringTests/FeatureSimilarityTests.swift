import Testing
import TailorModel
@testable import TailorScoring

/// Attribute similarity: products' tags and attributes as features, weighted by how
/// rare they are, carried on the shopper's events and scored in the content signal.
@Suite("attribute similarity (product features)")
struct FeatureSimilarityTests {
    @Test("features are the tags and key=value attributes, trimmed, lower-cased, distinct and sorted")
    func featureNames() {
        let product = Product(
            id: "p", title: "P", categoryPath: ["A"], price: 1, attributes: ["Colour": " Red ", "size": ""],
            tags: ["Vegan", "vegan ", " ", "Gift"], version: 1
        )
        #expect(ProductFeatures.names(of: product) == ["colour=red", "gift", "vegan"])
    }

    @Test("a rare feature weighs more than a common one, and one every product has weighs nothing")
    func rarityWeights() {
        var frequencies = FeatureFrequencies()
        for index in 0..<100 {
            var names = ["everywhere"]
            if index < 50 { names.append("common") }
            if index < 2 { names.append("rare") }
            frequencies.add(names)
        }
        let weights = frequencies.weights(of: ["everywhere", "common", "rare"])
        #expect(weights["everywhere"] == nil)
        #expect(weights["rare"]! > 3 * weights["common"]!)
        // Removing the rare products makes the feature unknown (weight as for a feature no one has).
        frequencies.remove(["everywhere", "common", "rare"])
        frequencies.remove(["everywhere", "common", "rare"])
        #expect(frequencies.count(of: "rare") == 0)
        #expect(frequencies.products == 98)
    }

    /// A catalog where nobody ever bought "fresh" (no co-occurrence, no popularity) but
    /// it shares a rare tag with what the shopper just looked at.
    @Test("a product with no history that shares a rare tag with the shopper's last item ranks first")
    func coldProductSharingARareTagRanksFirst() throws {
        var products: [Product] = []
        var frequencies = FeatureFrequencies()
        for index in 0..<200 {
            let tags = index == 0 || index == 1 ? ["line:aurora", "skin"] : (index.isMultiple(of: 2) ? ["skin"] : ["hair"])
            products.append(Product(id: "p\(index)", title: "P\(index)", categoryPath: ["Beauty"], price: 10, tags: tags, version: 1))
            frequencies.add(ProductFeatures.names(of: products[index]))
        }
        let index = Fixture.index(products)
        func ref(_ product: Product) -> ProductRef {
            ProductRef(id: product.id, category: product.category, price: product.price, features: frequencies.weights(of: ProductFeatures.names(of: product)))
        }
        // The shopper looked at p0 (line "aurora"), after two skin products.
        var profile = ShopperProfile()
        for (step, product) in [products[4], products[6], products[0]].enumerated() {
            _ = profile.record(Fixture.event("e\(step)", .view, [ref(product)], at: Fixture.now - Int64(3 - step) * 60_000))
        }
        let situation = profile.situation(nowMillis: Fixture.now)
        #expect(situation.featureAffinity["line:aurora"]! > situation.featureAffinity["skin"]!)
        var withExclusions = situation
        withExclusions.exclude = ["p0", "p4", "p6"]
        let result = Fixture.score(index, Fixture.query(withExclusions, k: 5))
        #expect(result.ranked.first?.product == "p1", "\(result.ranked.map(\.product))")
        #expect(result.ranked.first!.signals.content > result.ranked.last!.signals.content)

        // Without the features on the events, nothing sets p1 apart.
        var plain = ShopperProfile()
        for (step, product) in [products[4], products[6], products[0]].enumerated() {
            _ = plain.record(Fixture.event("e\(step)", .view, [Fixture.ref(product)], at: Fixture.now - Int64(3 - step) * 60_000))
        }
        #expect(plain.situation(nowMillis: Fixture.now).featureAffinity.isEmpty)
    }

    @Test("the page's product's features lead the situation for product_similar")
    func anchorFeaturesLead() {
        var profile = Situation()
        profile.featureAffinity = ["hair": 1]
        let anchor = ProductRef(id: "a", category: "Beauty", price: 5, features: ["line:aurora": 2])
        let merged = SituationBuilder.merge(
            profile: profile, request: RecommendationRequest(shopper: "u", placement: .productSimilar), anchor: anchor, cart: []
        )
        #expect(merged.featureAffinity["line:aurora"] == 2)
        #expect(merged.featureAffinity["hair"]! < 1)
    }
}
