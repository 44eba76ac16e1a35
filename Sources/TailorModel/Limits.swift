/// The explicit limits of the public API. Every one is documented in the README and
/// in `openapi.yaml`; a request over a limit gets a 4xx naming the field.
package enum Limits {
    /// Largest request body the gateway reads, in bytes.
    package static let maximumBodyBytes = 1 << 20
    /// Events in one `POST /v1/events` batch.
    package static let maximumEventsPerBatch = 500
    /// Products in one `PUT /v1/products` batch.
    package static let maximumProductsPerBatch = 500
    /// Stock levels in one `PUT /v1/inventory` batch.
    package static let maximumStockPerBatch = 1_000
    /// Identifiers: products, shoppers, sessions, events (UTF-8 bytes).
    package static let maximumIDBytes = 128
    /// Product titles, category and brand names, attribute values (UTF-8 bytes).
    package static let maximumTextBytes = 512
    /// A `recommendationId` as an event carries it (UTF-8 bytes).
    package static let maximumRecommendationIDBytes = 512
    /// A product's `url` and `imageURL` (UTF-8 bytes).
    package static let maximumURLBytes = 2_048
    /// Search queries (UTF-8 bytes).
    package static let maximumQueryBytes = 256
    /// Products named by one event.
    package static let maximumProductsPerEvent = 100
    /// Levels of a product's category path.
    package static let maximumCategoryDepth = 8
    /// Attributes and tags of one product, each.
    package static let maximumAttributes = 32
    /// Entries of an event's or a request's free-form `context` map.
    package static let maximumContextEntries = 16
    /// Products in a request's cart.
    package static let maximumCartItems = 100
    /// Candidates a `search_rerank` request may name.
    package static let maximumCandidates = 1_000
    /// `k`: products in one answer.
    package static let maximumK = 50
    /// `k` when the request names none.
    package static let defaultK = 5
}
