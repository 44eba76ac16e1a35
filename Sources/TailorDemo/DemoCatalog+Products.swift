import Foundation
import TailorModel

extension DemoCatalog {
    private static let suffixes = ["Pro", "Lite", "2", "3", "Max", "GTX", "Plus", "Evo", "X", "Air", "S"]
    private static let generalTags = ["bestseller", "new", "eco", "gift idea", "sale", "limited edition", "online only"]

    /// Spreads `count` products over the leaves (some leaves hold more than others),
    /// then makes each product, its stock and its precomputed reference.
    mutating func makeProducts(count: Int, departments: [String], using random: inout DemoRandom) {
        let weights = leaves.map { _ in random.between(0.5, 1.5) }
        let total = weights.reduce(0, +)
        var assignment = [Int]()
        assignment.reserveCapacity(count)
        for (leaf, weight) in weights.enumerated() {
            let share = Int(Double(count) * weight / total)
            assignment.append(contentsOf: repeatElement(leaf, count: share))
        }
        while assignment.count < count { assignment.append(random.below(leaves.count)) }
        // Shuffled so that neighbouring ids are unrelated products, as in a real shop.
        random.shuffle(&assignment)

        var brandsOfDepartment = [String: [Int]]()
        for (index, brand) in brands.enumerated() {
            for department in brand.departments { brandsOfDepartment[department, default: []].append(index) }
        }
        // A few brands dominate each department.
        let brandPopularity = Dictionary(uniqueKeysWithValues: brandsOfDepartment.map { department, members in
            (department, ZipfSampler(count: members.count, exponent: 0.8))
        })

        products.reserveCapacity(count)
        stock.reserveCapacity(count)
        refs.reserveCapacity(count)
        for (index, leaf) in assignment.enumerated() {
            let department = leaves[leaf].spec.department
            let members = brandsOfDepartment[department] ?? [0]
            let brand = members[brandPopularity[department]?.sample(using: &random) ?? 0]
            let product = makeProduct(index: index, leaf: leaf, brand: brand, using: &random)
            products.append(product)
            stock.append(StockLevel(product: product.id, quantity: Self.quantity(using: &random), version: 1))
            refs.append(ProductRef(id: product.id, category: leaves[leaf].spec.path, brand: brands[brand].name, price: product.price))
            productLeaf.append(Int32(leaf))
            productBrand.append(Int32(brand))
            let median = leaves[leaf].spec.medianPrice
            priceBand.append(product.price < 0.8 * median ? 0 : product.price > 1.3 * median ? 2 : 1)
            leaves[leaf].products.append(index)
            leaves[leaf].productsByBrand[brand, default: []].append(index)
        }
    }

    private func makeProduct(index: Int, leaf: Int, brand: Int, using random: inout DemoRandom) -> Product {
        let spec = leaves[leaf].spec
        let maker = brands[brand]
        let word = random.pick(spec.words)
        var title = maker.name + " " + word + " " + random.pick(spec.nouns)
        if random.chance(0.35) { title += " " + random.pick(Self.suffixes) }

        let price = Self.shelfPrice(spec.medianPrice * maker.tier.priceFactor * exp(0.35 * random.normal()))
        let share = min(0.85, max(0.40, maker.costShare + 0.03 * random.normal()))
        let cost = (price * share * 100).rounded() / 100

        var attributes = [String: String]()
        let profile = spec.attributes
        if profile.hasColour { attributes["colour"] = random.pick(AttributeProfile.colours) }
        if !profile.materials.isEmpty { attributes["material"] = random.pick(profile.materials) }
        if !profile.sizes.isEmpty { attributes["size"] = random.pick(profile.sizes) }
        if !profile.fits.isEmpty { attributes["fit"] = random.pick(profile.fits) }

        var tags = [word.lowercased()]
        if random.chance(0.4) { tags.append(random.pick(Self.generalTags)) }
        switch maker.tier {
        case .premium: tags.append("premium")
        case .budget where random.chance(0.5): tags.append("value")
        default: break
        }

        let rating = min(5, max(1, 4.0 + 0.15 * Double(maker.tier.rawValue) + 0.45 * random.normal()))
        return Product(
            id: DemoIDs.product(index), title: title, categoryPath: leaves[leaf].components, brand: maker.name,
            price: price, cost: cost, attributes: attributes.isEmpty ? nil : attributes, tags: tags,
            rating: (rating * 10).rounded() / 10, version: 1
        )
    }

    /// A price as shops write them: 94.99 above 20, 9.49 or 9.99 below.
    private static func shelfPrice(_ raw: Double) -> Double {
        if raw >= 20 { return raw.rounded(.down) + 0.99 }
        return max(1.99, (raw * 2).rounded() / 2 - 0.01)
    }

    /// Most products in stock, about 5 % sold out and 5 % heavily overstocked.
    private static func quantity(using random: inout DemoRandom) -> Int64 {
        let draw = random.unit()
        if draw < 0.05 { return 0 }
        if draw < 0.10 { return Int64(random.between(400...2_500)) }
        return Int64(min(300, max(1, exp(log(30.0) + 0.8 * random.normal()).rounded())))
    }
}
