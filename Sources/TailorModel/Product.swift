/// A product as the shop describes it (`PUT /v1/products`).
///
/// `version` is the shop's: a write with a lower or equal version than the one held
/// is ignored (last writer wins by version), so replays and reordering are safe.
package struct Product: Codable, Sendable, Hashable {
    package var id: String
    package var title: String
    /// From the top of the shop's category tree down, e.g. `["Shoes", "Running"]`.
    package var categoryPath: [String]
    package var brand: String?
    package var price: Double
    /// What the product costs the shop; margin is `price - cost`.
    package var cost: Double?
    package var attributes: [String: String]?
    package var tags: [String]?
    /// Average rating, 0 to 5.
    package var rating: Double?
    package var version: Int64
    /// The product's page on the shop's site: an absolute `http(s)` URL.
    package var url: String?
    /// The product's main image: an absolute `http(s)` URL.
    package var imageURL: String?

    package init(
        id: String, title: String, categoryPath: [String], brand: String? = nil, price: Double,
        cost: Double? = nil, attributes: [String: String]? = nil, tags: [String]? = nil,
        rating: Double? = nil, version: Int64, url: String? = nil, imageURL: String? = nil
    ) {
        self.url = url
        self.imageURL = imageURL
        self.id = id
        self.title = title
        self.categoryPath = categoryPath
        self.brand = brand
        self.price = price
        self.cost = cost
        self.attributes = attributes
        self.tags = tags
        self.rating = rating
        self.version = version
    }

    /// The category path as one readable string, `Shoes > Running`.
    package var category: String { categoryPath.joined(separator: " > ") }

    package func validate(field: String) throws(ValidationError) {
        try Check.identifier(id, "\(field).id")
        try Check.text(title, "\(field).title")
        try Check.count(categoryPath.count, "\(field).categoryPath", max: Limits.maximumCategoryDepth, allowEmpty: false)
        for (index, level) in categoryPath.enumerated() {
            try Check.text(level, "\(field).categoryPath[\(index)]")
        }
        if let brand { try Check.text(brand, "\(field).brand") }
        try Check.number(price, "\(field).price")
        if let cost { try Check.number(cost, "\(field).cost") }
        if let attributes {
            try Check.count(attributes.count, "\(field).attributes", max: Limits.maximumAttributes)
            for (key, value) in attributes {
                try Check.text(key, "\(field).attributes", maxBytes: Limits.maximumIDBytes)
                try Check.text(value, "\(field).attributes.\(key)")
            }
        }
        if let tags {
            try Check.count(tags.count, "\(field).tags", max: Limits.maximumAttributes)
            for (index, tag) in tags.enumerated() { try Check.text(tag, "\(field).tags[\(index)]", maxBytes: Limits.maximumIDBytes) }
        }
        if let rating { try Check.number(rating, "\(field).rating", max: 5) }
        if let url { try Check.webAddress(url, "\(field).url") }
        if let imageURL { try Check.webAddress(imageURL, "\(field).imageURL") }
        if version < 0 { throw ValidationError(field: "\(field).version", problem: "must not be negative") }
    }
}

/// The body of `PUT /v1/products`.
package struct ProductBatch: Codable, Sendable {
    package var products: [Product]

    package init(products: [Product]) {
        self.products = products
    }

    package func validate() throws(ValidationError) {
        try Check.count(products.count, "products", max: Limits.maximumProductsPerBatch, allowEmpty: false)
        for (index, product) in products.enumerated() {
            try product.validate(field: "products[\(index)]")
        }
    }
}

/// A product's stock (`PUT /v1/inventory`), last writer wins by `version`.
package struct StockLevel: Codable, Sendable, Hashable {
    package var product: String
    package var quantity: Int64
    package var version: Int64

    package init(product: String, quantity: Int64, version: Int64) {
        self.product = product
        self.quantity = quantity
        self.version = version
    }

    package func validate(field: String) throws(ValidationError) {
        try Check.identifier(product, "\(field).product")
        if quantity < 0 { throw ValidationError(field: "\(field).quantity", problem: "must not be negative") }
        if version < 0 { throw ValidationError(field: "\(field).version", problem: "must not be negative") }
    }
}

/// The body of `PUT /v1/inventory`.
package struct StockBatch: Codable, Sendable {
    package var stock: [StockLevel]

    package init(stock: [StockLevel]) {
        self.stock = stock
    }

    package func validate() throws(ValidationError) {
        try Check.count(stock.count, "stock", max: Limits.maximumStockPerBatch, allowEmpty: false)
        for (index, level) in stock.enumerated() {
            try level.validate(field: "stock[\(index)]")
        }
    }
}

/// What a write of products or stock did.
package struct WriteResult: Codable, Sendable, Equatable {
    /// Records that replaced an older version (or were new).
    package var applied: Int
    /// Records ignored because the cluster held the same or a newer version.
    package var stale: Int

    package init(applied: Int, stale: Int) {
        self.applied = applied
        self.stale = stale
    }
}

/// `GET /v1/products/{id}`: the product as the cluster holds it, with its stock.
package struct ProductStatus: Codable, Sendable {
    package var product: Product
    /// Units in stock; nil when the shop never sent stock for it.
    package var stock: Int64?
    package var stockVersion: Int64?
    /// The partition holding it and the members holding that partition.
    package var partition: Int
    package var replicas: [String]
    /// The product's popularity and trend as the answering gateway's gossip counters read them.
    package var popularity: Double?
    package var trend: Double?

    package init(product: Product, stock: Int64?, stockVersion: Int64?, partition: Int, replicas: [String]) {
        self.product = product
        self.stock = stock
        self.stockVersion = stockVersion
        self.partition = partition
        self.replicas = replicas
    }
}
