import TailorModel
import Foundation

/// A product's features for the content signal's attribute similarity: its tags and
/// its attributes as `key=value`, lower-cased and trimmed, distinct, sorted.
///
/// A feature's weight says how much sharing it means: a tag half the catalog has
/// says little, one only a dozen products share says a lot. ``FeatureFrequencies``
/// holds the counts and gives each product's features their weights.
package enum ProductFeatures {
    /// The product's feature names.
    package static func names(of product: Product) -> [String] {
        var names = Set<String>()
        for tag in product.tags ?? [] {
            let name = normalised(tag)
            if !name.isEmpty { names.insert(name) }
        }
        for (key, value) in product.attributes ?? [:] {
            let key = normalised(key)
            let value = normalised(value)
            if !key.isEmpty, !value.isEmpty { names.insert(key + "=" + value) }
        }
        return names.sorted()
    }

    private static func normalised(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// How many products carry each feature, and the weights that follow from it.
///
/// A feature's rarity is its inverse document frequency, idf = ln((N + 1) / (n + 1))
/// for n of the N products. A product's feature vector is idf² per feature over the
/// idf norm of the product, so that a shopper's affinity summed from such vectors,
/// compared with a product's features over the square root of their count, is a
/// tf-idf cosine computed without the scoring side knowing any frequency (README,
/// Recommendation quality).
package struct FeatureFrequencies: Sendable {
    /// Products counted.
    package private(set) var products = 0
    private var counts: [String: Int] = [:]

    package init() {}

    package mutating func add(_ names: [String]) {
        products += 1
        for name in names { counts[name, default: 0] += 1 }
    }

    package mutating func remove(_ names: [String]) {
        products = max(0, products - 1)
        for name in names {
            guard let count = counts[name] else { continue }
            counts[name] = count > 1 ? count - 1 : nil
        }
    }

    /// Products carrying `name`.
    package func count(of name: String) -> Int { counts[name] ?? 0 }

    /// The weights of a product's features; empty when none is rarer than "every product".
    package func weights(of names: [String]) -> [String: Float] {
        let total = Double(products + 1)
        var idf: [(String, Double)] = []
        var norm = 0.0
        for name in names {
            let value = log(total / Double(count(of: name) + 1))
            guard value > 0 else { continue }
            idf.append((name, value))
            norm += value * value
        }
        guard norm > 0 else { return [:] }
        norm = norm.squareRoot()
        return Dictionary(uniqueKeysWithValues: idf.map { ($0.0, Float($0.1 * $0.1 / norm)) })
    }
}
