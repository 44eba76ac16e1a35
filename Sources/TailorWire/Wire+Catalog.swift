import TailorModel

extension WireProduct {
    package init(_ product: Product) {
        self.init()
        id = product.id
        title = product.title
        categoryPath = product.categoryPath
        if let brand = product.brand { self.brand = brand }
        price = product.price
        if let cost = product.cost { self.cost = cost }
        attributes = product.attributes ?? [:]
        tags = product.tags ?? []
        if let rating = product.rating { self.rating = rating }
        version = product.version
        if let url = product.url { self.url = url }
        if let imageURL = product.imageURL { self.imageURL = imageURL }
    }

    package var model: Product {
        Product(
            id: id, title: title, categoryPath: categoryPath, brand: hasBrand ? brand : nil, price: price,
            cost: hasCost ? cost : nil, attributes: attributes.isEmpty ? nil : attributes,
            tags: tags.isEmpty ? nil : tags, rating: hasRating ? rating : nil, version: version,
            url: hasURL ? url : nil, imageURL: hasImageURL ? imageURL : nil
        )
    }
}

extension WireStockLevel {
    package init(_ level: StockLevel) {
        self.init()
        product = level.product
        quantity = level.quantity
        version = level.version
    }

    package var model: StockLevel { StockLevel(product: product, quantity: quantity, version: version) }
}
