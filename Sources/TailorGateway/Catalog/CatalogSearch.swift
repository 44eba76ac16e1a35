/// The catalog search and category list of the merchandiser console, over a snapshot
/// of the gateway's ``CatalogMirror`` (no node is asked). Pure: the counters are handed in.
enum CatalogSearch {
    /// Popularity and trend of some products, as this gateway's gossip counters read now.
    typealias Counters = ([String]) -> [(product: String, popularity: Double, trend: Double)]

    /// The live products `query` matches, most popular first (then by id), one page of them.
    static func search(_ query: CatalogQuery, in products: [String: CatalogMirror.Entry], counters: Counters) -> ProductSearchAnswer {
        let matched = products.filter { $0.value.isLive && query.matches(id: $0.key, $0.value) }
        var readings: [String: (popularity: Double, trend: Double)] = [:]
        readings.reserveCapacity(matched.count)
        for reading in counters(Array(matched.keys)) { readings[reading.product] = (reading.popularity, reading.trend) }
        let ranked = matched.keys.sorted { a, b in
            let (pa, pb) = (readings[a]?.popularity ?? 0, readings[b]?.popularity ?? 0)
            return pa != pb ? pa > pb : a < b
        }
        let page = ranked.dropFirst(query.offset).prefix(query.limit).map { id in
            let product = matched[id]!
            return ProductSearchAnswer.Product(
                id: id, title: product.title, category: product.category, brand: product.brand.isEmpty ? nil : product.brand,
                price: product.price, stock: product.stock, url: product.url, imageURL: product.imageURL,
                popularity: readings[id]?.popularity ?? 0, trend: readings[id]?.trend ?? 0
            )
        }
        return ProductSearchAnswer(total: matched.count, products: page)
    }

    /// The categories live products sit in (their full paths), with how many, by path.
    static func categories(in products: [String: CatalogMirror.Entry]) -> CategoryList {
        var counts: [String: Int] = [:]
        for product in products.values where product.isLive && !product.category.isEmpty { counts[product.category, default: 0] += 1 }
        return CategoryList(categories: counts.sorted { $0.key < $1.key }.map { CategoryList.Category(path: $0.key, products: $0.value) })
    }
}

/// `GET /v1/products`: how many products match, and the requested page of them.
struct ProductSearchAnswer: Encodable, Sendable, Equatable {
    struct Product: Encodable, Sendable, Equatable {
        var id: String
        var title: String
        var category: String
        /// Left out when the product has none (likewise stock, url, imageURL).
        var brand: String?
        var price: Double
        var stock: Int64?
        var url: String?
        var imageURL: String?
        /// This gateway's gossip counters: decayed interaction weight, and the recent window's count.
        var popularity: Double
        var trend: Double
    }

    var total: Int
    var products: [Product]
}

/// `GET /v1/categories`.
struct CategoryList: Encodable, Sendable, Equatable {
    struct Category: Encodable, Sendable, Equatable {
        /// Levels joined with ` > `, as `category` in the other answers.
        var path: String
        var products: Int
    }

    var categories: [Category]
}
