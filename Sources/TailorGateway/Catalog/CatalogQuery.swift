import Foundation
import HTTPTypes
import TailorModel

/// What `GET /v1/products` asks for: words, a category, a stock state and a page.
/// Parsing refuses a bad value with a 400 naming its parameter.
struct CatalogQuery: Sendable, Equatable {
    static let defaultLimit = 20
    static let maximumLimit = 100

    /// Every word must occur (case-insensitively) in the product's id, title or brand.
    var words: [String] = []
    /// A category path prefix, whole levels (`Shoes` matches `Shoes > Running`, not `Shoestrings`).
    var category: [String]?
    /// true: not known to be out of stock (unknown stock counts as in stock, as
    /// recommendations treat it); false: known to be out of stock.
    var inStock: Bool?
    var limit = Self.defaultLimit
    var offset = 0

    init(words: [String] = [], category: [String]? = nil, inStock: Bool? = nil, limit: Int = Self.defaultLimit, offset: Int = 0) {
        (self.words, self.category, self.inStock, self.limit, self.offset) = (words, category, inStock, limit, offset)
    }

    /// The query parameters `q`, `category`, `inStock`, `limit`, `offset` (each optional).
    init(parameters: (String) -> String?) throws(APIError) {
        if let q = parameters("q") {
            guard q.utf8.count <= Limits.maximumQueryBytes else {
                throw APIError(status: .badRequest, field: "q", problem: "must be at most \(Limits.maximumQueryBytes) bytes")
            }
            words = q.split(whereSeparator: \.isWhitespace).map(String.init)
        }
        if let text = parameters("category") {
            let levels = Self.levels(of: text)
            guard !levels.isEmpty, text.utf8.count <= Limits.maximumTextBytes else {
                throw APIError(
                    status: .badRequest, field: "category",
                    problem: "must be a category path such as 'Shoes > Running' (levels separated by '>', at most \(Limits.maximumTextBytes) bytes)"
                )
            }
            category = levels
        }
        if let text = parameters("inStock") {
            guard let flag = Bool(text) else { throw APIError(status: .badRequest, field: "inStock", problem: "must be true or false") }
            inStock = flag
        }
        if let text = parameters("limit") {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                throw APIError(status: .badRequest, field: "limit", problem: "must be an integer from 1 to \(Self.maximumLimit)")
            }
            limit = value
        }
        if let text = parameters("offset") {
            guard let value = Int(text), value >= 0 else {
                throw APIError(status: .badRequest, field: "offset", problem: "must be an integer ≥ 0")
            }
            offset = value
        }
    }

    /// A category path's levels, trimmed (`Shoes>Running` and `Shoes > Running` are one path).
    static func levels(of path: String) -> [String] {
        let levels = path.split(separator: ">", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return levels.contains(where: \.isEmpty) ? [] : levels
    }

    func matches(id: String, _ product: CatalogMirror.Entry) -> Bool {
        for word in words {
            let found = [id, product.title, product.brand].contains { $0.range(of: word, options: [.caseInsensitive]) != nil }
            if !found { return false }
        }
        if let category {
            let levels = Self.levels(of: product.category)
            guard levels.count >= category.count, zip(levels, category).allSatisfy({ $0 == $1 }) else { return false }
        }
        if let inStock {
            let knownOut = product.stock.map { $0 <= 0 } ?? false
            if inStock == knownOut { return false }
        }
        return true
    }
}
