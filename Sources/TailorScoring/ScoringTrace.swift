import TailorModel

/// Where a candidate came from: how candidate selection reached its row, and what the
/// kernel matched it with. Computed only for a traced query
/// (``ScoringQuery/trace``), for the products the partition returns.
package struct CandidateOrigin: Sendable, Hashable {
    /// How a product entered the candidates, or the answer's mix slot it fills.
    package enum Source: String, Sendable, Hashable, CaseIterable {
        /// Co-occurrence with the situation's items (`seeds`).
        case cooccurrence
        /// One of its partition's most popular products (a head).
        case popularity
        /// One of its partition's fastest rising products (a head), or a product shown in
        /// the answer's trending slots.
        case trending
        /// One of its partition's highest-margin products (a head).
        case margin
        /// One of its partition's most overstocked products (a head).
        case stock
        /// Among the most popular of a leaf category the shopper has an affinity for
        /// (or of the category filter).
        case category
        /// Among the most popular products sharing one of the shopper's heaviest
        /// attributes or tags (`attributes`).
        case attributes
        /// Its partition is small enough to be scored whole (``CatalogIndex/fullScanRows``),
        /// or every product was scored.
        case catalog
        /// Named by the request's candidates (`search_rerank`).
        case candidates
        /// Shown in the answer's discovery slots.
        case discovery
    }

    package var product: String
    package var source: Source
    /// The situation's items (the shopper's recent products, the page's product, the
    /// cart) whose co-occurrence summed into the collaborative signal, largest share first.
    package var seeds: [String]
    /// The product's attributes and tags (``ProductFeatures``) that the shopper has an
    /// affinity for, heaviest first.
    package var attributes: [String]

    package init(product: String, source: Source, seeds: [String] = [], attributes: [String] = []) {
        self.product = product
        self.source = source
        self.seeds = seeds
        self.attributes = attributes
    }
}

/// A candidate considered and not shown, and why.
package struct RemovedCandidate: Sendable, Hashable {
    package enum Reason: String, Sendable, Hashable, CaseIterable {
        /// No stock (the node's stock level, or the gateway's inventory view).
        case outOfStock = "out_of_stock"
        /// The shopper bought it (and the filters exclude purchases).
        case alreadyBought = "already_bought"
        /// The request's filters (category, price) or its exclusions (the page's product,
        /// the cart, `exclude`).
        case filter
        /// Its leaf category already had its share of the answer.
        case categoryCap = "category_cap"
        /// Its place went to a trending or discovery product.
        case mix
        /// A placement rule moved it back (add-ons: products of the cart's categories).
        case rule
        /// Scored, and ranked below the answer's k.
        case belowK = "below_k"
    }

    package var product: String
    package var title: String
    package var score: Float
    package var signals: Signals
    package var reason: Reason
    /// A few words on the reason (which filter), empty when the reason says it all.
    package var detail: String

    package init(product: String, title: String, score: Float, signals: Signals, reason: Reason, detail: String = "") {
        self.product = product
        self.title = title
        self.score = score
        self.signals = signals
        self.reason = reason
        self.detail = detail
    }

    /// Best first: higher score, then smaller product id (the kernel's order).
    package static func ranksBefore(_ a: RemovedCandidate, _ b: RemovedCandidate) -> Bool {
        a.score != b.score ? a.score > b.score : a.product < b.product
    }
}

/// What a traced query adds to its ``ScoringResult``.
package struct ScoringTrace: Sendable, Hashable {
    /// One per product returned in any list.
    package var origins: [CandidateOrigin]
    /// The best removed before the top k (excluded, filtered), at most ``removedLimit``.
    package var removed: [RemovedCandidate]

    /// Removed candidates a node reports per request.
    package static let removedLimit = 20
    /// Seeds and attributes named per origin.
    package static let originNames = 5

    package init(origins: [CandidateOrigin] = [], removed: [RemovedCandidate] = []) {
        self.origins = origins
        self.removed = removed
    }
}
