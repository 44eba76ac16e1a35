/// A product as the shop describes it (`PUT /v1/products`).
///
/// `version` is the shop's: a write with a lower or equal version than the one held
/// is ignored (last writer wins by version), so replays and reordering are safe.
public struct Product: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    /// From the top of the shop's category tree down, e.g. `["Shoes", "Running"]`.
    public var categoryPath: [String]
    public var brand: String?
    public var price: Double
    /// What the product costs the shop; margin is `price - cost`.
    public var cost: Double?
    public var attributes: [String: String]?
    public var tags: [String]?
    /// Average rating, 0 to 5.
    public var rating: Double?
    public var version: Int64

    public init(
        id: String, title: String, categoryPath: [String], brand: String? = nil, price: Double,
        cost: Double? = nil, attributes: [String: String]? = nil, tags: [String]? = nil,
        rating: Double? = nil, version: Int64
    ) {
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
    public var category: String { categoryPath.joined(separator: " > ") }

    public func validate(field: String) throws(ValidationError) {
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
        if version < 0 { throw ValidationError(field: "\(field).version", problem: "must not be negative") }
    }
}

/// The body of `PUT /v1/products`.
public struct ProductBatch: Codable, Sendable {
    public var products: [Product]

    public init(products: [Product]) {
        self.products = products
    }

    public func validate() throws(ValidationError) {
        try Check.count(products.count, "products", max: Limits.maximumProductsPerBatch, allowEmpty: false)
        for (index, product) in products.enumerated() {
            try product.validate(field: "products[\(index)]")
        }
    }
}

/// A product's stock (`PUT /v1/inventory`), last writer wins by `version`.
public struct StockLevel: Codable, Sendable, Hashable {
    public var product: String
    public var quantity: Int64
    public var version: Int64

    public init(product: String, quantity: Int64, version: Int64) {
        self.product = product
        self.quantity = quantity
        self.version = version
    }

    public func validate(field: String) throws(ValidationError) {
        try Check.identifier(product, "\(field).product")
        if quantity < 0 { throw ValidationError(field: "\(field).quantity", problem: "must not be negative") }
        if version < 0 { throw ValidationError(field: "\(field).version", problem: "must not be negative") }
    }
}

/// The body of `PUT /v1/inventory`.
public struct StockBatch: Codable, Sendable {
    public var stock: [StockLevel]

    public init(stock: [StockLevel]) {
        self.stock = stock
    }

    public func validate() throws(ValidationError) {
        try Check.count(stock.count, "stock", max: Limits.maximumStockPerBatch, allowEmpty: false)
        for (index, level) in stock.enumerated() {
            try level.validate(field: "stock[\(index)]")
        }
    }
}

/// What a write of products or stock did.
public struct WriteResult: Codable, Sendable, Equatable {
    /// Records that replaced an older version (or were new).
    public var applied: Int
    /// Records ignored because the cluster held the same or a newer version.
    public var stale: Int

    public init(applied: Int, stale: Int) {
        self.applied = applied
        self.stale = stale
    }
}

/// `GET /v1/products/{id}`: the product as the cluster holds it, with its stock.
public struct ProductStatus: Codable, Sendable {
    public var product: Product
    /// Units in stock; nil when the shop never sent stock for it.
    public var stock: Int64?
    public var stockVersion: Int64?
    /// The partition holding it and the members holding that partition.
    public var partition: Int
    public var replicas: [String]

    public init(product: Product, stock: Int64?, stockVersion: Int64?, partition: Int, replicas: [String]) {
        self.product = product
        self.stock = stock
        self.stockVersion = stockVersion
        self.partition = partition
        self.replicas = replicas
    }
}
