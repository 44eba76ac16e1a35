import TailorModel

extension WireProductRef {
    package init(_ ref: ProductRef) {
        self.init()
        id = ref.id
        category = ref.category
        brand = ref.brand
        price = ref.price
        if let cost = ref.cost { self.cost = cost }
        // Sorted, so the same ref always encodes to the same bytes.
        for (name, weight) in ref.features.sorted(by: { $0.key < $1.key }) {
            featureNames.append(name)
            featureWeights.append(weight)
        }
    }

    package var model: ProductRef {
        var features: [String: Float] = [:]
        for (name, weight) in zip(featureNames, featureWeights) where weight.isFinite { features[name] = weight }
        return ProductRef(id: id, category: category, brand: brand, price: price, features: features, cost: hasCost ? cost : nil)
    }
}

extension WireEvent {
    package init(_ event: StoredEvent) {
        self.init()
        id = event.id
        type = event.type.rawValue
        user = event.shopper
        session = event.session
        products = event.products.map(WireProductRef.init)
        quantity = UInt32(clamping: event.quantity)
        query = event.query
        atMillis = event.atMillis
        recommendationID = event.recommendationID
        if let unitPrice = event.unitPrice { self.unitPrice = unitPrice }
    }

    /// The event, or a `WireError` when its type is not one the cluster knows.
    package func model() throws(WireError) -> StoredEvent {
        guard let type = EventType(rawValue: type) else {
            throw WireError(code: .malformed, message: "unknown event type '\(self.type)'")
        }
        return StoredEvent(
            id: id, type: type, shopper: user, session: session, products: products.map(\.model),
            quantity: Int(max(quantity, 1)), query: query, atMillis: atMillis, recommendationID: recommendationID,
            unitPrice: hasUnitPrice ? unitPrice : nil
        )
    }
}

extension WireEventSignals {
    package init(_ contributions: EventContributions) {
        self.init()
        eventID = contributions.eventID
        atMillis = contributions.atMillis
        interactions = contributions.interactions.map { interaction in
            var wire = WireInteraction()
            wire.product = interaction.product
            wire.weight = interaction.weight
            return wire
        }
        pairs = contributions.pairs.map { pair in
            var wire = WirePair()
            wire.source = pair.source
            wire.target = pair.target
            wire.weight = pair.weight
            return wire
        }
    }

    package var model: EventContributions {
        EventContributions(
            eventID: eventID, atMillis: atMillis,
            interactions: interactions.map { EventContributions.Interaction(product: $0.product, weight: $0.weight) },
            pairs: pairs.map { EventContributions.Pair(source: $0.source, target: $0.target, weight: $0.weight) }
        )
    }
}
