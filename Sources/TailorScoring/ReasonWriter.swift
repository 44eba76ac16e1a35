import TailorModel

/// Writes the sentence shown next to a recommendation, from its largest weighted
/// signal. It names only products and categories, never anything about the shopper
/// beyond the title of a product they engaged with.
package enum ReasonWriter {
    /// A readable reason for `candidate`; `becauseOfTitle` is the title of the
    /// situation item behind its collaborative signal, when the gateway knows it.
    package static func sentence(for candidate: ScoredCandidate, placement: Placement, strategy: Strategy, becauseOfTitle: String?) -> String {
        let signals = candidate.signals
        let category = candidate.category.isEmpty ? "this category" : candidate.category
        let ranked: [(Signal, Float)] = [
            (.collaborative, signals.collaborative), (.content, signals.content), (.popularity, signals.popularity),
            (.trending, signals.trending), (.inventory, signals.inventory), (.margin, signals.margin),
            (.stockPressure, signals.stockPressure),
        ]
        // The first of equal signals wins: the list is in order of how personal a reason is.
        var top: (signal: Signal, value: Float) = (.none, 0)
        for (signal, value) in ranked where value > top.value { top = (signal, value) }
        // "In stock" explains nothing to a shopper: when availability leads only because
        // nothing personal is known yet, say what does set the product apart.
        if top.signal == .inventory {
            let telling = ranked.prefix(4).filter { $0.1 > 0 }.max { $0.1 < $1.1 }
            if let telling { top = telling }
        }

        switch top.signal {
        case .collaborative:
            guard let title = becauseOfTitle, !title.isEmpty else {
                return "Shoppers who liked what you looked at also chose this"
            }
            switch placement {
            case .cartAddons, .checkoutOffer, .postOrderEmail: return "Often bought together with \(title)"
            case .productSimilar, .homeForYou, .searchRerank: return "Shoppers who viewed \(title) also viewed this"
            }
        case .content:
            if placement == .productSimilar, let title = becauseOfTitle, !title.isEmpty { return "Similar to \(title)" }
            if placement == .searchRerank { return "Matches your search in \(category)" }
            // Only this sentence names the leaf (splitting on " > " is not free: an answer writes k reasons).
            let leaf = candidate.category.split(separator: Words.categorySeparator).last.map(String.init) ?? ""
            let subject = leaf.isEmpty ? category : leaf
            return candidate.brand.isEmpty
                ? "Matches your interest in \(subject)" : "Matches your interest in \(subject) by \(candidate.brand)"
        case .popularity:
            return "Popular in \(category)"
        case .trending:
            return "Trending in \(category) right now"
        case .inventory:
            return strategy == .conversion ? "In stock now in \(category)" : "Featured by the shop in \(category)"
        case .margin, .stockPressure:
            // Honest: the shop's goal, not the shopper's taste, put it here.
            return "Featured by the shop in \(category)"
        case .none:
            return strategy == .conversion ? "Picked for you from \(category)" : "Featured by the shop in \(category)"
        }
    }

    private enum Signal { case collaborative, content, popularity, trending, inventory, margin, stockPressure, none }
}
