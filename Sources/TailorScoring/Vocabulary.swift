import Synchronization
import TailorModel

/// Codes for the strings the scoring kernel compares: product ids, category paths
/// (each prefix), brands and words. One vocabulary is shared by all the catalog
/// partitions of a node, so that a request's strings are looked up once per node
/// (``prepare(_:)``) and every partition then looks rows and postings up by code, instead of
/// hashing the same strings once per partition.
///
/// Codes only grow and are never reused; they are local to the process (a
/// partition handed to another node is sent as strings and re-coded there).
/// Writers intern under the lock; the request path takes it once per request.
package final class Vocabulary: Sendable {
    struct State {
        var products = Interner()
        /// Every prefix of every category path; a parent is coded before its children.
        var categories = Interner()
        var categoryParent: [Int32] = []
        var brands = Interner()
        var terms = Interner()
        /// Product features (``ProductFeatures``).
        var features = Interner()
    }

    private let state = Mutex(State())

    package init() {}

    func product(_ id: String) -> Int32 {
        state.withLock { $0.products.intern(id) }
    }

    /// Codes a category path and its ancestors: (leaf, top), both -1 for an empty path.
    func categoryPath(_ prefixes: [String]) -> (leaf: Int32, top: Int32) {
        state.withLock { state in
            var parent: Int32 = -1
            var top: Int32 = -1
            for prefix in prefixes {
                let code = state.categories.intern(prefix)
                if Int(code) == state.categoryParent.count { state.categoryParent.append(parent) }
                if parent == -1 { top = code }
                parent = code
            }
            return (parent, top)
        }
    }

    func brand(_ name: String) -> Int32 {
        state.withLock { $0.brands.intern(name) }
    }

    /// The sorted, distinct codes of `words`.
    func terms(_ words: [String]) -> [Int32] {
        state.withLock { state in Set(words.map { state.terms.intern($0) }).sorted() }
    }

    /// The sorted, distinct codes of a product's feature names.
    /// The names of feature codes (a decision trace's matched attributes).
    func featureNames(_ codes: [Int32]) -> [String] {
        state.withLock { state in codes.compactMap { Int($0) < state.features.names.count && $0 >= 0 ? state.features.names[Int($0)] : nil } }
    }

    func features(_ names: [String]) -> [Int32] {
        state.withLock { state in Set(names.map { state.features.intern($0) }).sorted() }
    }

    /// Looks a query's strings up once, for every partition of this vocabulary to
    /// score it by code. Strings no product ever used get -1 (they match nothing).
    package func prepare(_ query: ScoringQuery) -> PreparedQuery {
        let situation = query.situation
        return state.withLock { state in
            var prepared = PreparedQuery(query: query, vocabulary: ObjectIdentifier(self))
            prepared.items = situation.items.map { (state.products.lookup($0.product) ?? -1, $0.weight) }
            prepared.exclude = situation.exclude.compactMap { state.products.lookup($0) }
            if query.filters.excludePurchased != false {
                prepared.exclude += situation.purchased.compactMap { state.products.lookup($0) }
            }
            prepared.candidates = situation.candidates.map { state.products.lookup($0) ?? -1 }
            prepared.restrictedToCandidates = !situation.candidates.isEmpty

            let categories = state.categories.count
            prepared.categoryAffinity = [Float](repeating: 0, count: categories)
            prepared.ancestorAffinity = [Float](repeating: 0, count: categories)
            for (name, affinity) in situation.categoryAffinity {
                if let code = state.categories.lookup(name) { prepared.categoryAffinity[Int(code)] = affinity }
            }
            // Parents are coded before their children, so one forward pass carries
            // the best ancestor down each path.
            if !situation.categoryAffinity.isEmpty {
                for category in 0..<categories {
                    let parent = Int(state.categoryParent[category])
                    guard parent >= 0 else { continue }
                    prepared.ancestorAffinity[category] = max(prepared.categoryAffinity[parent], prepared.ancestorAffinity[parent])
                }
            }
            if let filter = query.filters.category?.lowercased(), !filter.isEmpty {
                prepared.categoryAllowed = state.categories.names.map { name in
                    let path = name.lowercased()
                    return path == filter || path.hasPrefix(filter + Words.categorySeparator)
                        || path.split(separator: Words.categorySeparator).contains { $0 == filter }
                }
            }
            // The categories candidate selection walks: the filter's, or those the
            // situation has an affinity for (ascending, as a walk over every code would).
            prepared.selectedCategories = (0..<categories).compactMap { category in
                let selected = prepared.categoryAllowed.map { $0[category] } ?? (prepared.categoryAffinity[category] > 0)
                return selected ? Int32(category) : nil
            }
            prepared.brandAffinity = [Float](repeating: 0, count: state.brands.count)
            for (name, affinity) in situation.brandAffinity {
                if let code = state.brands.lookup(name) { prepared.brandAffinity[Int(code)] = affinity }
            }
            prepared.queryTerms = situation.queryTerms.map { state.terms.lookup($0) ?? -1 }
            var features: [(code: Int32, weight: Float)] = []
            for (name, weight) in situation.featureAffinity where weight > 0 {
                if let code = state.features.lookup(name) { features.append((code, weight)) }
            }
            prepared.selectedFeatures = features.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.code < $1.code }
                .prefix(PreparedQuery.selectedFeatureCount).map(\.code)
            features.sort { $0.code < $1.code }
            prepared.featureCodes = features.map(\.code)
            prepared.featureWeights = features.map(\.weight)
            return prepared
        }
    }
}

/// A ``ScoringQuery`` with its strings replaced by ``Vocabulary`` codes, built once
/// per request and node and read by every partition scored for it.
///
/// Per-category and per-brand arrays cover the codes that existed when it was
/// prepared; a category or brand first seen after that (a product written while
/// the request runs) reads as no affinity and, under a category filter, as not allowed.
package struct PreparedQuery: Sendable {
    package var query: ScoringQuery
    /// The vocabulary whose codes these are.
    let vocabulary: ObjectIdentifier
    /// The situation's items as (product code, weight), in the situation's order.
    var items: [(code: Int32, weight: Float)] = []
    /// Products never to return: the page's product, the cart and, unless the
    /// filters say otherwise, the shopper's purchases.
    var exclude: [Int32] = []
    /// When `restrictedToCandidates`, only these products are scored (`search_rerank`).
    var candidates: [Int32] = []
    var restrictedToCandidates = false
    /// Per category code: the situation's affinity and the best of its ancestors'.
    var categoryAffinity: [Float] = []
    var ancestorAffinity: [Float] = []
    /// Per category code, whether the category filter lets it through; nil without a filter.
    var categoryAllowed: [Bool]?
    /// The category codes whose rows candidate selection considers: under a filter the
    /// allowed ones, otherwise those with an affinity.
    var selectedCategories: [Int32] = []
    /// Per brand code: the situation's affinity.
    var brandAffinity: [Float] = []
    /// Codes of the query's words; -1 for a word no product has.
    var queryTerms: [Int32] = []
    /// The situation's features that products have, by code ascending, and their weights.
    var featureCodes: [Int32] = []
    var featureWeights: [Float] = []
    /// The heaviest ``selectedFeatureCount`` of them, whose most popular products
    /// candidate selection considers.
    var selectedFeatures: [Int32] = []
    static let selectedFeatureCount = 8

    init(query: ScoringQuery, vocabulary: ObjectIdentifier) {
        self.query = query
        self.vocabulary = vocabulary
    }

    /// The affinities and filter verdict of a category code (-1 for none).
    @inline(__always)
    func category(_ code: Int) -> (affinity: Float, ancestor: Float, allowed: Bool) {
        guard code >= 0, code < categoryAffinity.count else { return (0, 0, categoryAllowed == nil) }
        return (categoryAffinity[code], ancestorAffinity[code], categoryAllowed?[code] ?? true)
    }

    /// Σ of the situation's weights over a product's sorted feature codes (a merge of two sorted lists).
    @inline(__always)
    func featureSum(_ codes: ArraySlice<Int32>) -> Float {
        var sum: Float = 0
        var at = 0
        for code in codes {
            while at < featureCodes.count, featureCodes[at] < code { at += 1 }
            guard at < featureCodes.count else { break }
            if featureCodes[at] == code { sum += featureWeights[at] }
        }
        return sum
    }

    @inline(__always)
    func brandAffinity(_ code: Int) -> Float {
        code >= 0 && code < brandAffinity.count ? brandAffinity[code] : 0
    }
}
