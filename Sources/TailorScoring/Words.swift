/// Splits text into lower-cased words, the unit query terms and product titles are
/// compared in. Letters and digits make words; everything else separates them.
enum Words {
    static func of(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The separator of a joined category path (`Product.category`).
    static let categorySeparator = " > "

    /// The category path and each ancestor prefix: `A > B > C` gives `A`, `A > B`, `A > B > C`.
    static func categoryPrefixes(_ joined: String) -> [String] {
        guard !joined.isEmpty else { return [] }
        let levels = joined.split(separator: categorySeparator).map(String.init)
        var prefixes: [String] = []
        prefixes.reserveCapacity(levels.count)
        for depth in 1...max(1, levels.count) where depth <= levels.count {
            prefixes.append(levels[0..<depth].joined(separator: categorySeparator))
        }
        return prefixes
    }
}
