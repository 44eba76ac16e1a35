import TailorModel

/// What a simulated storefront may know of the demo shop that Tailor never sees: a
/// shopper's hidden tastes and budget, and each product's cost.
///
/// `tailor-lab simulate` makes the demo's shoppers react to recommendations by these
/// facts alone, so that what it measures is how well Tailor finds them out, not how
/// well Tailor agrees with itself.
extension DemoShop {
    /// A demo shopper's hidden tastes, as a simulated visit needs them.
    package struct Visitor: Sendable, Hashable {
        /// The shopper's number; the id is `DemoIDs.shopper(index)`.
        package var index: Int
        /// Preferred leaf categories (joined paths), the strongest first.
        package var tastes: [String]
        /// The departments of the tastes, in the same order (repeats removed).
        package var departments: [String]
        /// 0 bargain hunter, 1 middle, 2 premium.
        package var priceLevel: Int
        /// The brand the shopper comes back to, if any.
        package var favouriteBrand: String?
        /// How often a session follows each taste, cumulative (the first taste leads most).
        package var tasteShares: [Double]

        package var id: String { DemoIDs.shopper(index) }
    }

    /// What a product is, as a shopper and the shop's accountant see it.
    package struct ProductFacts: Sendable, Hashable {
        package var id: String
        /// Joined path of its leaf category.
        package var leaf: String
        package var department: String
        package var brand: String
        package var price: Double
        /// What the shop pays for it: `price − cost` is the margin of one unit.
        package var cost: Double
        /// The median price of its leaf: what "expensive" means for this kind of product.
        package var typicalPrice: Double
    }

    /// The hidden tastes of shopper `index` (0..<shopperCount), from the same random
    /// stream that made the shopper's history, so they are the tastes that history shows.
    package func visitor(_ index: Int) -> Visitor {
        var random = shopperRandom(index)
        let shopper = DemoShopper(catalog: catalog, using: &random)
        let tastes = shopper.tastes.map { catalog.leaves[$0].spec.path }
        var departments = [String]()
        for leaf in shopper.tastes where !departments.contains(catalog.leaves[leaf].spec.department) {
            departments.append(catalog.leaves[leaf].spec.department)
        }
        return Visitor(
            index: index, tastes: tastes, departments: departments, priceLevel: Int(shopper.priceLevel),
            favouriteBrand: shopper.favouriteBrand.map { catalog.brands[$0].name }, tasteShares: shopper.tasteShares
        )
    }

    /// Every product's facts, in the order of `products` (index i is `DemoIDs.product(i)`).
    package var productFacts: [ProductFacts] {
        catalog.products.indices.map { index in
            let leaf = catalog.leaves[Int(catalog.productLeaf[index])]
            let product = catalog.products[index]
            return ProductFacts(
                id: product.id, leaf: leaf.spec.path, department: leaf.spec.department,
                brand: catalog.brands[Int(catalog.productBrand[index])].name, price: product.price,
                cost: product.cost ?? product.price, typicalPrice: leaf.spec.medianPrice
            )
        }
    }

    /// The product indexes of a leaf category, most popular first (empty for an unknown leaf).
    package func productIndexes(inLeaf path: String) -> [Int] {
        guard let leaf = catalog.leafIndex[path] else { return [] }
        return catalog.leaves[leaf].products
    }
}
