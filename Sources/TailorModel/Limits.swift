/// The explicit limits of the public API. Every one is documented in the README and
/// in `openapi.yaml`; a request over a limit gets a 4xx naming the field.
public enum Limits {
    /// Largest request body the gateway reads, in bytes.
    public static let maximumBodyBytes = 1 << 20
    /// Events in one `POST /v1/events` batch.
    public static let maximumEventsPerBatch = 500
    /// Products in one `PUT /v1/products` batch.
    public static let maximumProductsPerBatch = 500
    /// Stock levels in one `PUT /v1/inventory` batch.
    public static let maximumStockPerBatch = 1_000
    /// Identifiers: products, shoppers, sessions, events (UTF-8 bytes).
    public static let maximumIDBytes = 128
    /// Product titles, category and brand names, attribute values (UTF-8 bytes).
    public static let maximumTextBytes = 512
    /// Search queries (UTF-8 bytes).
    public static let maximumQueryBytes = 256
    /// Products named by one event.
    public static let maximumProductsPerEvent = 100
    /// Levels of a product's category path.
    public static let maximumCategoryDepth = 8
    /// Attributes and tags of one product, each.
    public static let maximumAttributes = 32
    /// Entries of an event's or a request's free-form `context` map.
    public static let maximumContextEntries = 16
    /// Products in a request's cart.
    public static let maximumCartItems = 100
    /// Candidates a `search_rerank` request may name.
    public static let maximumCandidates = 1_000
    /// `k`: products in one answer.
    public static let maximumK = 50
    /// `k` when the request names none.
    public static let defaultK = 5
}
