import Synchronization

/// Splits text into lower-cased words, the unit query terms and product titles are
/// compared in. Letters and digits make words; everything else separates them.
package enum Words {
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
    ///
    /// Remembered per path (``prefixCacheLimit`` paths at most): a shop has a few
    /// hundred paths, split for every product written, every category new to a
    /// profile and every scoring call's page product and cart.
    package static func categoryPrefixes(_ joined: String) -> [String] {
        guard !joined.isEmpty else { return [] }
        if let known = prefixCache.withLock({ $0[joined] }) { return known }
        let prefixes = splitPrefixes(joined)
        prefixCache.withLock { cache in
            if cache.count < prefixCacheLimit { cache[joined] = prefixes }
        }
        return prefixes
    }

    /// Paths whose prefixes are remembered; beyond it they are split every time, so
    /// that odd paths in events cannot grow the memo without end.
    static let prefixCacheLimit = 4_096
    private static let prefixCache = Mutex<[String: [String]]>([:])
    /// Paths remembered now (for tests).
    static var prefixCacheCount: Int { prefixCache.withLock { $0.count } }

    private static func splitPrefixes(_ joined: String) -> [String] {
        let levels = joined.split(separator: categorySeparator).map(String.init)
        var prefixes: [String] = []
        prefixes.reserveCapacity(levels.count)
        for depth in 1...max(1, levels.count) where depth <= levels.count {
            prefixes.append(levels[0..<depth].joined(separator: categorySeparator))
        }
        return prefixes
    }
}
