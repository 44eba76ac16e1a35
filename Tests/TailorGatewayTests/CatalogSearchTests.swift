import Testing

@testable import TailorGateway

/// The console's catalog search over the mirror: which products match, in which order,
/// and the 400s naming the parameter at fault.
@Suite("catalog search")
struct CatalogSearchTests {
    private static func entry(_ title: String, _ category: String, brand: String = "", stock: Int64? = nil) -> CatalogMirror.Entry {
        var entry = CatalogMirror.Entry.unknown
        (entry.title, entry.category, entry.brand, entry.price, entry.version) = (title, category, brand, 10, 1)
        entry.stock = stock
        return entry
    }

    private static let catalog: [String: CatalogMirror.Entry] = {
        var products = [
            "p1": entry("Trail Running Shoe", "Shoes > Running", brand: "Northpeak", stock: 4),
            "p2": entry("Road running shoe", "Shoes > Running", brand: "Swift", stock: 0),
            "p3": entry("Leather boot", "Shoes > Boots", brand: "Northpeak"),
            "p4": entry("Shoestring bag", "Shoestrings", stock: 2),
            "p5": entry("Wool sock", "Socks"),
        ]
        var deleted = entry("Running shoe (gone)", "Shoes > Running")
        deleted.deleted = true
        products["p6"] = deleted
        products["p7"] = .unknown // stock heard of before the product: not live
        return products
    }()

    private static let popularity: [String: Double] = ["p3": 9, "p2": 5, "p1": 5]
    private static func counters(_ ids: [String]) -> [(product: String, popularity: Double, trend: Double)] {
        ids.map { ($0, popularity[$0] ?? 0, 1) }
    }

    private func ids(_ query: CatalogQuery) -> [String] {
        CatalogSearch.search(query, in: Self.catalog, counters: Self.counters).products.map(\.id)
    }

    @Test("every word must occur in the id, title or brand, in any case; most popular first, then by id")
    func wordsAndOrder() {
        #expect(ids(CatalogQuery(words: ["RUNNING"])) == ["p1", "p2"], "a tie in popularity goes by id; the deleted p6 is left out")
        #expect(ids(CatalogQuery(words: ["northpeak", "shoe"])) == ["p1"])
        #expect(ids(CatalogQuery(words: ["p5"])) == ["p5"])
        #expect(ids(CatalogQuery()) == ["p3", "p1", "p2", "p4", "p5"])
        #expect(ids(CatalogQuery(words: ["sandal"])).isEmpty)
    }

    @Test("a category matches whole levels from the top; inStock false means known out of stock")
    func categoryAndStock() {
        #expect(ids(CatalogQuery(category: ["Shoes"])) == ["p3", "p1", "p2"], "not Shoestrings")
        #expect(ids(CatalogQuery(category: ["Shoes", "Running"])) == ["p1", "p2"])
        #expect(ids(CatalogQuery(category: ["Shoes", "Run"])).isEmpty)
        #expect(ids(CatalogQuery(category: ["Shoes"], inStock: true)) == ["p3", "p1"], "unknown stock counts as in stock")
        #expect(ids(CatalogQuery(inStock: false)) == ["p2"])
    }

    @Test("total counts every match; limit and offset page them")
    func paging() {
        let answer = CatalogSearch.search(CatalogQuery(limit: 2, offset: 1), in: Self.catalog, counters: Self.counters)
        #expect(answer.total == 5 && answer.products.map(\.id) == ["p1", "p2"])
        let first = answer.products[0]
        #expect(first.popularity == 5 && first.trend == 1 && first.brand == "Northpeak" && first.stock == 4 && first.category == "Shoes > Running")
        #expect(CatalogSearch.search(CatalogQuery(offset: 50), in: Self.catalog, counters: Self.counters).products.isEmpty)
        #expect(CatalogSearch.search(CatalogQuery(words: ["wool"]), in: Self.catalog, counters: Self.counters).products[0].brand == nil)
    }

    @Test("categories: the paths live products sit in, with counts, by path")
    func categories() {
        let list = CatalogSearch.categories(in: Self.catalog).categories
        #expect(list.map(\.path) == ["Shoes > Boots", "Shoes > Running", "Shoestrings", "Socks"])
        #expect(list.map(\.products) == [1, 2, 1, 1])
    }

    @Test("parameters: defaults, and a 400 naming the parameter", arguments: [
        ("limit", "0"), ("limit", "101"), ("limit", "ten"), ("offset", "-1"), ("inStock", "yes"), ("category", ""), ("category", "Shoes >"),
    ])
    func badParameters(name: String, value: String) {
        #expect {
            _ = try CatalogQuery { $0 == name ? value : nil }
        } throws: { error in
            (error as? APIError)?.field == name
        }
    }

    @Test("parameters parse into words, levels, a flag and a page")
    func goodParameters() throws {
        let values = ["q": "  trail  Shoe ", "category": "Shoes>Running", "inStock": "true", "limit": "100", "offset": "3"]
        let query = try CatalogQuery { values[$0] }
        #expect(query == CatalogQuery(words: ["trail", "Shoe"], category: ["Shoes", "Running"], inStock: true, limit: 100, offset: 3))
        #expect(try CatalogQuery { _ in nil } == CatalogQuery(limit: 20, offset: 0))
    }
}
