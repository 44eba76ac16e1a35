/// One leaf of the demo shop's category tree, as written by hand: what its products
/// are called, what they cost, which attributes they have, what goes with them.
struct LeafCategory: Sendable {
    /// `Department > Subcategory > Leaf`.
    var path: String
    /// The median price; prices are log-normal around it.
    var medianPrice: Double
    var attributes: AttributeProfile
    /// The last word of a title ("Runner").
    var nouns: [String]
    /// Words before the noun ("Trail"); also the seeds of search queries and tags.
    var words: [String]
    /// Leaf paths whose products are bought with these ("bought together").
    var complements: [String]

    init(
        _ path: String, _ medianPrice: Double, _ attributes: AttributeProfile,
        nouns: [String], words: [String], with complements: [String]
    ) {
        self.path = path
        self.medianPrice = medianPrice
        self.attributes = attributes
        self.nouns = nouns
        self.words = words
        self.complements = complements
    }

    var pathComponents: [String] {
        path.split(separator: " > ").map(String.init)
    }

    var department: String {
        pathComponents[0]
    }
}
