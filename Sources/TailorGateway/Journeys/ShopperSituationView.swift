import TailorModel

/// `GET /v1/shoppers/{id}/situation`' answer: what the catalog partitions score against
/// for this shopper, as the replica of their partition builds it, the longest lists cut
/// to their heaviest entries.
struct ShopperSituationView: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var product: String
        /// Empty when the gateway's catalog mirror does not know the product.
        var title: String
        var weight: Float
    }
    struct Category: Encodable, Sendable {
        var category: String
        var affinity: Float
    }
    struct Brand: Encodable, Sendable {
        var brand: String
        var affinity: Float
    }
    struct Attribute: Encodable, Sendable {
        var feature: String
        var weight: Float
    }

    /// Categories, brands and attributes the answer lists, the strongest.
    static let topEntries = 10
    /// Purchased products the answer lists (`purchasedCount` counts them all).
    static let purchasedShown = 50

    var shopper: String
    /// Whether the partition holds a profile; false answers the empty situation that
    /// recommendations use for a shopper the cluster does not know.
    var known: Bool
    var partition: Int
    /// The member whose replica answered.
    var replica: String
    var items: [Item]
    var categories: [Category]
    var brands: [Brand]
    var attributes: [Attribute]
    var typicalPrice: Double
    var purchased: [String]
    var purchasedCount: Int

    init(shopper: String, known: Bool, partition: Int, replica: String, situation: Situation, title: (String) -> String?) {
        self.shopper = shopper
        self.known = known
        self.partition = partition
        self.replica = replica
        items = situation.items.sorted { ($0.weight, $1.product) > ($1.weight, $0.product) }
            .map { Item(product: $0.product, title: title($0.product) ?? "", weight: $0.weight) }
        categories = Self.strongest(situation.categoryAffinity).map { Category(category: $0.key, affinity: $0.value) }
        brands = Self.strongest(situation.brandAffinity).map { Brand(brand: $0.key, affinity: $0.value) }
        attributes = Self.strongest(situation.featureAffinity).map { Attribute(feature: $0.key, weight: $0.value) }
        typicalPrice = situation.typicalPrice
        purchased = Array(situation.purchased.prefix(Self.purchasedShown))
        purchasedCount = situation.purchased.count
    }

    /// The ``topEntries`` largest values, ties by name (so that answers repeat).
    private static func strongest(_ values: [String: Float]) -> [(key: String, value: Float)] {
        Array(values.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(topEntries))
    }
}
