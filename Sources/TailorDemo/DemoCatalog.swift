import TailorModel

/// The demo shop's products, stock and the indexes the shopper simulation draws
/// from, built once from the seed.
///
/// Everything a hot loop needs is precomputed here: each product's `ProductRef`,
/// its leaf, brand and price band as small integers, and per leaf the products in
/// popularity order with a Zipf table, so generating an event is a few array reads.
struct DemoCatalog: Sendable {
    struct Leaf: Sendable {
        var spec: LeafCategory
        var components: [String]
        /// Indexes of complementary leaves.
        var complements: [Int] = []
        /// Product indexes, most popular first.
        var products: [Int] = []
        var popularity: ZipfSampler?
        /// Product indexes of each brand (by brand index), most popular first.
        var productsByBrand: [Int: [Int]] = [:]
        /// Lower-case search queries shoppers type for this leaf.
        var queries: [String] = []
    }

    var leaves: [Leaf]
    var leafIndex: [String: Int]
    /// Leaf indexes from the most to the least popular.
    var leavesByPopularity: [Int]
    var leafPopularity: ZipfSampler
    var brands: [DemoBrand]
    var products: [Product] = []
    var stock: [StockLevel] = []
    var refs: [ProductRef] = []
    var productLeaf: [Int32] = []
    var productBrand: [Int32] = []
    /// 0 below the leaf's usual price, 1 around it, 2 above: what a shopper's price level matches.
    var priceBand: [UInt8] = []

    init(seed: UInt64, productCount: Int) {
        precondition(productCount > 0, "the demo shop needs products")
        var random = DemoRandom(seed: seed, stream: 0, salt: 0xCA7A_1060)
        let specs = LeafCategory.all
        let index = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.path, $0) })
        leafIndex = index
        leaves = specs.map { spec in
            var leaf = Leaf(spec: spec, components: spec.pathComponents)
            leaf.complements = spec.complements.map { path in
                guard let complement = index[path] else { preconditionFailure("unknown complement \(path)") }
                return complement
            }
            leaf.queries = Self.queries(for: spec)
            return leaf
        }

        var departments = [String]()
        for spec in specs where !departments.contains(spec.department) { departments.append(spec.department) }
        brands = DemoBrand.make(departments: departments, perDepartment: 10, using: &random)

        var order = Array(leaves.indices)
        random.shuffle(&order)
        leavesByPopularity = order
        leafPopularity = ZipfSampler(count: order.count, exponent: 0.9)

        makeProducts(count: productCount, departments: departments, using: &random)
        for index in leaves.indices where !leaves[index].products.isEmpty {
            leaves[index].popularity = ZipfSampler(count: leaves[index].products.count, exponent: 1.0)
        }
    }

    /// What a shopper types to find this leaf: its name, its name with the
    /// subcategory, and "word noun" pairs from the titles.
    private static func queries(for spec: LeafCategory) -> [String] {
        let components = spec.pathComponents
        let leaf = components[components.count - 1].lowercased()
        let parent = components[components.count - 2].lowercased()
        var queries = [leaf]
        if parent != leaf { queries.append(parent + " " + leaf) }
        for word in spec.words.prefix(3) {
            queries.append(word.lowercased() + " " + spec.nouns[0].lowercased())
        }
        return queries
    }

    /// A product of `leaf` drawn by popularity, or nil when the leaf has none
    /// (only in very small shops).
    func popularProduct(in leaf: Int, using random: inout DemoRandom) -> Int? {
        guard let popularity = leaves[leaf].popularity else { return nil }
        return leaves[leaf].products[popularity.sample(using: &random)]
    }
}
