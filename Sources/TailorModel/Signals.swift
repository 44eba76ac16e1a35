/// The signals of DESIGN.md §4. Used both for weights and for each product's
/// weighted contributions (`signals` in the answer), so they always line up.
package struct Signals: Codable, Sendable, Hashable {
    /// Products that co-occur with the situation's items in other shoppers' sessions.
    package var collaborative: Float
    /// Overlap of the product's attributes with the shopper's decayed affinities.
    package var content: Float
    /// How many shoppers engage with it (decayed over days).
    package var popularity: Float
    /// Engagement now against engagement usually (short over long half-life).
    package var trending: Float
    /// Whether it can be delivered: in stock, how comfortably.
    package var inventory: Float
    /// Its margin share `(price - cost) / price`; weighted only by the `margin` strategy by default.
    package var margin: Float
    /// How overstocked it is; weighted only by the `stock` strategy by default.
    package var stockPressure: Float

    package init(
        collaborative: Float = 0, content: Float = 0, popularity: Float = 0, trending: Float = 0,
        inventory: Float = 0, margin: Float = 0, stockPressure: Float = 0
    ) {
        self.collaborative = collaborative
        self.content = content
        self.popularity = popularity
        self.trending = trending
        self.inventory = inventory
        self.margin = margin
        self.stockPressure = stockPressure
    }

    package static let zero = Signals()

    /// The sum of all signals: a product's score when these are its contributions.
    package var total: Float {
        collaborative + content + popularity + trending + inventory + margin + stockPressure
    }
}

/// Per-signal overrides a request may carry (`weights`); each given value replaces
/// the placement's and strategy's default for that signal.
package struct SignalWeightOverrides: Codable, Sendable, Hashable {
    package var collaborative: Float?
    package var content: Float?
    package var popularity: Float?
    package var trending: Float?
    package var inventory: Float?
    package var margin: Float?
    package var stockPressure: Float?

    package init(
        collaborative: Float? = nil, content: Float? = nil, popularity: Float? = nil, trending: Float? = nil,
        inventory: Float? = nil, margin: Float? = nil, stockPressure: Float? = nil
    ) {
        self.collaborative = collaborative
        self.content = content
        self.popularity = popularity
        self.trending = trending
        self.inventory = inventory
        self.margin = margin
        self.stockPressure = stockPressure
    }

    package func applied(to base: Signals) -> Signals {
        Signals(
            collaborative: collaborative ?? base.collaborative, content: content ?? base.content,
            popularity: popularity ?? base.popularity, trending: trending ?? base.trending,
            inventory: inventory ?? base.inventory, margin: margin ?? base.margin,
            stockPressure: stockPressure ?? base.stockPressure
        )
    }

    package func validate(field: String) throws(ValidationError) {
        let named: [(String, Float?)] = [
            ("collaborative", collaborative), ("content", content), ("popularity", popularity),
            ("trending", trending), ("inventory", inventory), ("margin", margin), ("stockPressure", stockPressure),
        ]
        for (name, value) in named {
            if let value, !(value.isFinite && value >= 0 && value <= 10) {
                throw ValidationError(field: "\(field).\(name)", problem: "must be a number between 0 and 10")
            }
        }
    }
}
