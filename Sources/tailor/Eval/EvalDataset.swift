import Foundation

/// A shop's interaction sequences in the research format (`../shared/datasets/README.md`):
/// one shopper a line, `user item1 item2 …`, items in time order; and beside it,
/// optionally, `{"item": [attribute, …]}`.
struct EvalDataset: Sendable {
    /// Each shopper's items, oldest first.
    var sequences: [(user: String, items: [String])]
    /// Each item's attributes (brand and category codes), when given.
    var attributes: [String: [String]]

    /// Every item that appears in a sequence, sorted (numerically when they all are numbers).
    var items: [String] {
        let all = Set(sequences.flatMap(\.items))
        if all.allSatisfy({ Int($0) != nil }) { return all.sorted { Int($0)! < Int($1)! } }
        return all.sorted()
    }

    static func load(sequences path: String, attributes attributesPath: String?, maxUsers: Int?) throws -> EvalDataset {
        guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw EvalError("--sequences: cannot read '\(path)'")
        }
        var sequences: [(user: String, items: [String])] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let user = fields.first else { continue }
            guard fields.count >= 2 else { throw EvalError("--sequences: line \(number + 1) has a user and no item") }
            sequences.append((user, Array(fields.dropFirst())))
            if let maxUsers, sequences.count >= maxUsers { break }
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

struct EvalError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
