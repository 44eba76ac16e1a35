import Foundation
import TailorDemo
import TailorModel

/// A shop's interaction sequences in the research format (`../shared/datasets/README.md`):
/// one shopper a line, `user item1 item2 …`, items in time order; and beside it,
/// optionally, `{"item": [attribute, …]}`.
package struct EvalDataset: Sendable {
    /// Each shopper's items, oldest first.
    package var sequences: [(shopper: String, items: [String])]
    /// Each item's attributes (brand and category codes), when given.
    package var attributes: [String: [String]]
    /// The shop's own product records (the demo shop's: categories, brands, costs,
    /// tags); empty for a sequence file, whose items are described by `attributes` only.
    package var products: [String: Product] = [:]
    /// Units in stock per product, when the shop has them (the demo shop).
    package var stock: [String: Int64] = [:]

    /// The catalog the evaluation holds: the shop's own records, or for a sequence
    /// file a product per item whose tags are its attributes (one category, price 1).
    package var catalog: [Product] {
        items.map { item in
            products[item] ?? Product(id: item, title: "item \(item)", categoryPath: ["all"], price: 1, tags: attributes[item], version: 1)
        }
    }

    /// Every item that appears in a sequence, sorted (numerically when they all are numbers).
    package var items: [String] {
        let all = Set(sequences.flatMap(\.items))
        if all.allSatisfy({ Int($0) != nil }) { return all.sorted { Int($0)! < Int($1)! } }
        return all.sorted()
    }

    package static func load(sequences path: String, attributes attributesPath: String?, maxShoppers: Int?) throws -> EvalDataset {
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw EvalError("--sequences: cannot read '\(path)'")
        }
        var sequences: [(shopper: String, items: [String])] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let shopper = fields.first else { continue }
            guard fields.count >= 2 else { throw EvalError("--sequences: line \(number + 1) has a user and no item") }
            sequences.append((shopper, Array(fields.dropFirst())))
            if let maxShoppers, sequences.count >= maxShoppers { break }
        }
        var attributes: [String: [String]] = [:]
        if let attributesPath {
            guard let data = FileManager.default.contents(atPath: attributesPath) else {
                throw EvalError("--attributes: cannot read '\(attributesPath)'")
            }
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw EvalError("--attributes: '\(attributesPath)' is not a JSON object of item → [attribute]")
            }
            for (item, value) in object {
                attributes[item] = (value as? [Any] ?? []).map { "\($0)" }
            }
        }
        return EvalDataset(sequences: sequences, attributes: attributes)
    }
}

extension EvalDataset {
    /// The demo shop (`tailor local`'s data) as a dataset: each simulated shopper's
    /// viewed, carted and bought products in time order, each product once (at its
    /// first interaction, as a review dataset has one review per product), shoppers
    /// with fewer than 5 products left out (the research files are 5-core). The
    /// attributes are each product's brand, leaf category, tags and `key=value`
    /// attributes, as written by ``write(to:name:)``.
    package static func demo(configuration: DemoShop.Configuration, endingAtMillis: Int64) -> EvalDataset {
        let shop = DemoShop(configuration: configuration)
        var sequences: [(shopper: String, items: [String])] = []
        shop.forEachShopper(endingAtMillis: endingAtMillis) { _, events in
            var seen = Set<String>()
            var items: [String] = []
            for event in events where event.type != .removeFromCart && event.type != .search {
                for product in event.products where seen.insert(product.id).inserted { items.append(product.id) }
            }
            if items.count >= 5, let shopper = events.first?.shopper { sequences.append((shopper, items)) }
        }
        var products: [String: Product] = [:]
        var attributes: [String: [String]] = [:]
        for product in shop.products {
            products[product.id] = product
            var described = ["category:" + product.category] + (product.brand.map { ["brand:" + $0] } ?? [])
            described += product.tags ?? []
            described += (product.attributes ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            attributes[product.id] = described
        }
        let stock = Dictionary(shop.stock.map { ($0.product, $0.quantity) }, uniquingKeysWith: { _, last in last })
        return EvalDataset(sequences: sequences, attributes: attributes, products: products, stock: stock)
    }

    /// Writes the sequences and attributes in the research format: `NAME.txt` and
    /// `NAME_item2attributes.json` in `directory` (for `scripts/eval-peers`).
    package func write(to directory: String, name: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lines = sequences.map { ([$0.shopper] + $0.items).joined(separator: " ") }.joined(separator: "\n") + "\n"
        try Data(lines.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name + ".txt"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(attributes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name + "_item2attributes.json"))
    }
}

package struct EvalError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
