/// Every internal call between members, each listed once.
///
/// Nodes serve all but ``gossip``, ``readCounters`` and ``membership``, which every
/// member (nodes and gateways) serves; gateways also answer ``ping``.
public enum WireMethods {
    // MARK: Liveness and status

    /// `pong <member>\n`: the member's internal listener is up.
    public static let ping = WireMethod<WireEmpty, WireText>(.get, "/internal/ping", idempotent: true)
    /// A node's readiness, partitions and counts.
    public static let status = WireMethod<WirePingRequest, WireNodeStatus>(.get, "/internal/status", idempotent: true)

    // MARK: Gossip (every member)

    /// One SWIM envelope, with counters and inventory piggybacked; answered with no content.
    /// Not idempotent: SWIM's own timers decide what is sent again.
    public static let gossip = WireMethod<WireEncodedMessage, WireEmpty>(.post, "/internal/gossip", idempotent: false)
    /// What this member's SWIM sees, as the JSON of `GET /v1/cluster`'s gossip report.
    public static let membership = WireMethod<WireEmpty, WireJSONText>(.get, "/internal/membership", idempotent: true)
    /// Products one per line in, their popularity and trend on this member out (a JSON array).
    public static let readCounters = WireMethod<WireText, WireJSONText>(.post, "/internal/counters/read", idempotent: true)

    // MARK: Configuration (gateway to node)

    /// The sender's configuration in (merged, stored), the node's whole configuration out.
    public static let syncConfig = WireMethod<WireConfigState, WireConfigState>(.post, "/internal/config/sync", idempotent: true)

    // MARK: Replication (node to node)

    /// Per-partition digests, to find the buckets two replicas differ in.
    public static let syncDigest = WireMethod<WireDigestRequest, WireDigestResponse>(.post, "/internal/sync/digest", idempotent: true)
    /// The records of the buckets that differ, a bounded number per call.
    public static let syncPull = WireMethod<WirePullRequest, WirePullResponse>(.post, "/internal/sync/pull", idempotent: true)
    /// Records handed to a new owner before this replica lets go of a partition.
    public static let syncPush = WireMethod<WirePushRequest, WirePushResponse>(.post, "/internal/sync/push", idempotent: true)

    // MARK: Shoppers

    /// Erases a shopper's events on a replica of their partition.
    public static let eraseShopper = WireMethod<WireEraseRequest, WireEraseResponse>(.post, "/internal/users/erase", idempotent: true)
    /// Everything a replica holds about a shopper.
    public static let exportShopper = WireMethod<WireExportRequest, WireExportResponse>(.post, "/internal/users/export", idempotent: true)
    /// Records that an anonymous shopper's history was merged into a shopper of the
    /// receiver's partition (a record of that shopper, latest time wins, erased with it).
    public static let linkShopper = WireMethod<WireShopperLink, WireWriteResponse>(.post, "/internal/users/link", idempotent: true)
    /// Stores events (deduplicated by id) and answers their contributions.
    public static let events = WireMethod<WireEventWriteRequest, WireEventWriteResponse>(.post, "/internal/events", idempotent: true)
    /// Applies events' contributions to the catalog partitions held (stored once per batch).
    public static let contributions = WireMethod<WireSignalsRequest, WireSignalsResponse>(.post, "/internal/signals", idempotent: true)

    // MARK: Scoring

    /// A shopper's situation, read from a replica of their partition.
    public static let situation = WireMethod<WireSituationRequest, WireSituationResponse>(.post, "/internal/situation", idempotent: true)
    /// A shopper's facts of the moment (segments, decisions), with the treatments
    /// shown to them and, when asked, their situation; read from a replica of their partition.
    public static let facts = WireMethod<WireFactsRequest, WireFactsResponse>(.post, "/internal/facts", idempotent: true)
    /// Scores the named catalog partitions for a situation (or a shopper held here).
    public static let score = WireMethod<WireScoreRequest, WireScoreResponse>(.post, "/internal/score", idempotent: true)

    // MARK: Catalog

    /// Upserts products (last writer wins by version).
    public static let products = WireMethod<WireProductWriteRequest, WireWriteResponse>(.post, "/internal/products", idempotent: true)
    /// Deletes a product at a version.
    public static let deleteProduct = WireMethod<WireProductDeleteRequest, WireWriteResponse>(.post, "/internal/products/delete", idempotent: true)
    /// One product and its stock.
    public static let product = WireMethod<WireProductGetRequest, WireProductGetResponse>(.post, "/internal/products/get", idempotent: true)
    /// Sets stock levels (last writer wins by version).
    public static let stock = WireMethod<WireStockWriteRequest, WireWriteResponse>(.post, "/internal/stock", idempotent: true)
    /// A page of product summaries, for the gateway's catalog mirror.
    public static let catalogSummaries = WireMethod<WireSummariesRequest, WireSummariesResponse>(
        .post, "/internal/catalog/summaries", idempotent: true
    )

    /// The outcome counts of the shopper partitions the node holds (reports, bandits).
    public static let outcomes = WireMethod<WireOutcomesRequest, WireOutcomesResponse>(.post, "/internal/outcomes", idempotent: true)

    /// Every call above, in the order listed.
    public static let all: [any AnyWireMethod] = [
        ping, status, gossip, membership, readCounters, syncConfig, syncDigest, syncPull, syncPush, eraseShopper, exportShopper, linkShopper, events, contributions,
        situation, facts, score, products, deleteProduct, product, stock, catalogSummaries, outcomes,
    ]
}

// The protobuf messages calls carry (and the gossip envelope, which the gossip
// shell decodes itself).
extension WirePingRequest: ProtobufWireBody {}
extension WirePingResponse: ProtobufWireBody {}
extension WireNodeStatus: ProtobufWireBody {}
extension WireGossipEnvelope: ProtobufWireBody {}
extension WireDigestRequest: ProtobufWireBody {}
extension WireDigestResponse: ProtobufWireBody {}
extension WirePullRequest: ProtobufWireBody {}
extension WirePullResponse: ProtobufWireBody {}
extension WirePushRequest: ProtobufWireBody {}
extension WirePushResponse: ProtobufWireBody {}
extension WireEraseRequest: ProtobufWireBody {}
extension WireEraseResponse: ProtobufWireBody {}
extension WireExportRequest: ProtobufWireBody {}
extension WireExportResponse: ProtobufWireBody {}
extension WireShopperLink: ProtobufWireBody {}
extension WireEventWriteRequest: ProtobufWireBody {}
extension WireEventWriteResponse: ProtobufWireBody {}
extension WireSignalsRequest: ProtobufWireBody {}
extension WireSignalsResponse: ProtobufWireBody {}
extension WireSituationRequest: ProtobufWireBody {}
extension WireSituationResponse: ProtobufWireBody {}
extension WireFactsRequest: ProtobufWireBody {}
extension WireFactsResponse: ProtobufWireBody {}
extension WireScoreRequest: ProtobufWireBody {}
extension WireScoreResponse: ProtobufWireBody {}
extension WireConfigState: ProtobufWireBody {}
extension WireProductWriteRequest: ProtobufWireBody {}
extension WireProductDeleteRequest: ProtobufWireBody {}
extension WireProductGetRequest: ProtobufWireBody {}
extension WireProductGetResponse: ProtobufWireBody {}
extension WireStockWriteRequest: ProtobufWireBody {}
extension WireWriteResponse: ProtobufWireBody {}
extension WireSummariesRequest: ProtobufWireBody {}
extension WireSummariesResponse: ProtobufWireBody {}
extension WireOutcomesRequest: ProtobufWireBody {}
extension WireOutcomesResponse: ProtobufWireBody {}
