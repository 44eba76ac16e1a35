import TailorModel

extension WireSituation {
    package init(_ situation: Situation) {
        self.init()
        itemProducts = situation.items.map(\.product)
        itemWeights = situation.items.map(\.weight)
        for (name, weight) in situation.categoryAffinity {
            categoryNames.append(name)
            categoryWeights.append(weight)
        }
        for (name, weight) in situation.brandAffinity {
            brandNames.append(name)
            brandWeights.append(weight)
        }
        for (name, weight) in situation.featureAffinity {
            featureNames.append(name)
            featureWeights.append(weight)
        }
        typicalPrice = situation.typicalPrice
        purchased = situation.purchased
        exclude = situation.exclude
        queryTerms = situation.queryTerms
        candidates = situation.candidates
    }

    package var model: Situation {
        Situation(
            items: zip(itemProducts, itemWeights).map { Situation.Item(product: $0, weight: $1) },
            categoryAffinity: Self.affinities(categoryNames, categoryWeights),
            brandAffinity: Self.affinities(brandNames, brandWeights),
            featureAffinity: Self.affinities(featureNames, featureWeights), typicalPrice: typicalPrice,
            purchased: purchased, exclude: exclude, queryTerms: queryTerms, candidates: candidates
        )
    }

    /// Names paired with weights; a repeated name keeps its highest weight.
    private static func affinities(_ names: [String], _ weights: [Float]) -> [String: Float] {
        var affinities: [String: Float] = [:]
        affinities.reserveCapacity(min(names.count, weights.count))
        for (name, weight) in zip(names, weights) { affinities[name] = max(weight, affinities[name] ?? weight) }
        return affinities
    }
}

extension WireSignals {
    package init(_ signals: Signals) {
        self.init()
        collaborative = signals.collaborative
        content = signals.content
        popularity = signals.popularity
        trending = signals.trending
        inventory = signals.inventory
        margin = signals.margin
        stockPressure = signals.stockPressure
    }

    package var model: Signals {
        Signals(
            collaborative: collaborative, content: content, popularity: popularity, trending: trending,
            inventory: inventory, margin: margin, stockPressure: stockPressure
        )
    }
}

extension WireFilters {
    package init(_ filters: RecommendationFilters) {
        self.init()
        if let category = filters.category { self.category = category }
        if let minPrice = filters.minPrice { self.minPrice = minPrice }
        if let maxPrice = filters.maxPrice { self.maxPrice = maxPrice }
        inStockOnly = filters.inStockOnly ?? true
        excludePurchased = filters.excludePurchased ?? true
    }

    package var model: RecommendationFilters {
        RecommendationFilters(
            category: hasCategory ? category : nil, minPrice: hasMinPrice ? minPrice : nil,
            maxPrice: hasMaxPrice ? maxPrice : nil, inStockOnly: inStockOnly, excludePurchased: excludePurchased
        )
    }
}

extension WireCandidate {
    package init(_ candidate: ScoredCandidate) {
        self.init()
        product = candidate.product
        title = candidate.title
        category = candidate.category
        brand = candidate.brand
        price = candidate.price
        if let stock = candidate.stock { self.stock = stock }
        score = candidate.score
        signals = WireSignals(candidate.signals)
        if let becauseOf = candidate.becauseOf { self.becauseOf = becauseOf }
    }

    package var model: ScoredCandidate {
        ScoredCandidate(
            product: product, title: title, category: category, brand: brand, price: price,
            stock: hasStock ? stock : nil, score: score, signals: signals.model,
            becauseOf: hasBecauseOf ? becauseOf : nil
        )
    }
}

extension WireSituationContext {
    package init(_ context: SituationContext) {
        self.init()
        if let anchor = context.anchor { self.anchor = WireProductRef(anchor) }
        cart = context.cart.map(WireProductRef.init)
        exclude = context.exclude
        if let query = context.query { self.query = query }
        candidates = context.candidates
    }

    /// The context for `placement` (the score request carries it).
    package func model(placement: Placement) -> SituationContext {
        SituationContext(
            placement: placement, anchor: hasAnchor ? anchor.model : nil, cart: cart.map(\.model), exclude: exclude,
            query: hasQuery ? query : nil, candidates: candidates
        )
    }
}
