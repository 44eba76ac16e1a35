import HTTPTypes
import TailorCRDT
import TailorHTTP2
import TailorMembership
import TailorModel
import TailorRPC
import TailorScoring
import TailorStore
import TailorWire

extension NodeHandlers {
    /// Reads of the catalog: one product, and pages of summaries for the gateway's
    /// catalog mirror. Both wait for the node's data.
    func registerCatalog(on router: inout HTTP2Router) {
        router.register(WireMethods.product, admit: { try requireReady() }) { try await getProduct($0) }
        router.register(WireMethods.catalogSummaries, admit: { try requireReady() }) { try await summaries($0) }
    }

    func getProduct(_ request: WireProductGetRequest) async throws -> WireProductGetResponse {
        var response = WireProductGetResponse()
        if let found = try await held(shardMap.partition(of: request.id)).catalog.product(request.id) {
            response.found = true
            response.product = WireProduct(found.product)
            if let stock = found.stock { response.stock = WireStockLevel(stock) }
        }
        return response
    }

    /// Products in one summaries answer when the request names no limit.
    static let summariesPageSize = 2_000
    /// A summaries answer stops once its products' text passes this, far under the
    /// wire's message limit (4 MiB) whatever the products' titles and attributes.
    static let summariesPageBytes = 1 << 20

    /// The gateway's catalog mirror, a page at a time: the requested partitions in
    /// order, the first from `first_row`, until the page is full (then `resume_*` says
    /// where to go on). Partitions this node does not hold are passed over.
    func summaries(_ request: WireSummariesRequest) async throws -> WireSummariesResponse {
        var response = WireSummariesResponse()
        var room = request.limit == 0 ? Self.summariesPageSize : Int(request.limit)
        var bytes = Self.summariesPageBytes
        for (position, partition) in request.partitions.enumerated() {
            guard let replica = table[Int(partition)] else { continue }
            let first = position == 0 ? Int(request.firstRow) : 0
            let page = await replica.catalog.summaries(from: first, limit: room, byteBudget: bytes)
            for summary in page.summaries {
                var wire = WireProductSummary()
                wire.id = summary.id
                wire.title = summary.title
                wire.category = summary.category
                wire.brand = summary.brand
                wire.price = summary.price
                if let stock = summary.stock { wire.stock = stock }
                if let version = summary.stockVersion { wire.stockVersion = version }
                wire.version = summary.version
                wire.features = summary.features
                if let cost = summary.cost { wire.cost = cost }
                if let url = summary.url { wire.url = url }
                if let imageURL = summary.imageURL { wire.imageURL = imageURL }
                response.products.append(wire)
                bytes -= summary.estimatedBytes
            }
            room -= page.summaries.count
            if let next = page.next {
                response.resumePartition = partition
                response.resumeRow = UInt32(clamping: next)
                return response
            }
            response.partitions.append(partition)
            if room <= 0 || bytes <= 0 {
                // Full at a partition's end: the next request starts with the next partition.
                if position + 1 < request.partitions.count {
                    response.resumePartition = request.partitions[position + 1]
                    response.resumeRow = 0
                }
                return response
            }
        }
        return response
    }
}
