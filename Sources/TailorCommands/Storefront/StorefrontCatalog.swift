import TailorDemo
import TailorModel

/// The demo shop as its storefront shows it: products by id, the leaf categories with
/// their products (most popular first), a plain search, and a few of the seeded
/// shoppers to browse as. Built from the same ``DemoShop`` configuration the nodes are
/// seeded with, so every id the pages show is one the cluster knows.
struct StorefrontCatalog: Sendable {
    struct Category: Sendable, Hashable {
        /// `Department > Subcategory > Leaf`.
        var path: String
        /// The last component, the name shown.
        var name: String
        var department: String
        /// The URL's name: `/c/<slug>`.
        var slug: String
        /// Product indexes, most popular first.
        var products: [Int]
    }

    /// A seeded shopper the header's switcher offers: their history is in the cluster.
    struct Shopper: Sendable, Hashable {
        var id: String
        /// Their strongest taste (a leaf's name): what their recommendations should lean to.
        var taste: String
    }

    let products: [Product]
    /// Units in stock, by product index.
    let stock: [Int64]
    let categories: [Category]
    let shoppers: [Shopper]
    private let productIndex: [String: Int]
    private let categoryBySlug: [String: Int]
    private let categoryByPath: [String: Int]

    /// The storefront of `shop`, offering its first `shopperCount` shoppers.
    init(shop: DemoShop, shopperCount: Int = 5) {
        products = shop.products
        var stock = [Int64](repeating: 0, count: products.count)
        productIndex = Dictionary(uniqueKeysWithValues: products.enumerated().map { ($1.id, $0) })
        for level in shop.stock { if let index = productIndex[level.product] { stock[index] = level.quantity } }
        self.stock = stock
        var slugs = Set<String>()
        categories = shop.leafCategories.map { path in
            let components = path.split(separator: " > ").map(String.init)
            var slug = Self.slug(path)
            while !slugs.insert(slug).inserted { slug += "-x" }
            return Category(
                path: path, name: components.last ?? path, department: components.first ?? path, slug: slug,
                products: shop.productIndexes(inLeaf: path)
            )
        }
        categoryBySlug = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1.slug, $0) })
        categoryByPath = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1.path, $0) })
        shoppers = (0..<min(shopperCount, shop.configuration.shopperCount)).map { index in
            let taste = shop.tastes(ofShopper: index).first.map { $0.split(separator: " > ").last.map(String.init) ?? $0 }
            return Shopper(id: DemoIDs.shopper(index), taste: taste ?? "anything")
        }
    }

    /// `Sports > Running > Shoes` → `sports-running-shoes`.
    static func slug(_ path: String) -> String {
        var slug = ""
        for character in path.lowercased() {
            if character.isLetter || character.isNumber {
                slug.append(character)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        return slug
    }

    func product(_ id: String) -> Product? { productIndex[id].map { products[$0] } }

    func stock(of id: String) -> Int64? { productIndex[id].map { stock[$0] } }

    func category(slug: String) -> Category? { categoryBySlug[slug].map { categories[$0] } }

    /// The leaf category a product is in.
    func category(of product: Product) -> Category? { categoryByPath[product.category].map { categories[$0] } }

    /// The departments in catalog order, each with its leaf categories.
    var departments: [(name: String, categories: [Category])] {
        var order = [String]()
        var members = [String: [Category]]()
        for category in categories {
            if members[category.department] == nil { order.append(category.department) }
            members[category.department, default: []].append(category)
        }
        return order.map { ($0, members[$0] ?? []) }
    }

    /// Products whose title, brand or category holds every word of `query` (case
    /// ignored), in catalog order, at most `limit`: the candidates `search_rerank` reorders.
    func search(_ query: String, limit: Int) -> [Product] {
        let words = query.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard !words.isEmpty else { return [] }
        var found = [Product]()
        for product in products {
            let text = (product.title + " " + (product.brand ?? "") + " " + product.category).lowercased()
            if words.allSatisfy({ text.contains($0) }) {
                found.append(product)
                if found.count == limit { break }
            }
        }
        return found
    }
}
