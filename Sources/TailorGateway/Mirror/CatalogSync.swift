import HTTPTypes
import Logging
import TailorMembership
import ServiceLifecycle
import TailorModel
import TailorScoring
import TailorWire

/// Fills the gateway's catalog mirror from the nodes: every partition's product
/// summaries from one of its replicas. Until every partition has answered once, the
/// gateway is not ready; after that it refreshes periodically (versions only move
/// forward, so a refresh never undoes a newer write made through this gateway).
struct CatalogSync: Service {
    let gateway: GatewayService
    private let logger = Logger(label: "tailor.gateway")

    init(gateway: GatewayService) {
        self.gateway = gateway
    }

    func run() async throws {
        do {
            try await refresh()
        } catch is CancellationError {
            // Shutting down.
        }
    }

    private func refresh() async throws {
        let cluster = gateway.cluster
        let count = cluster.shardMap.partitionCount
        var pending = Set(0..<count)
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var plan: [String: [UInt32]] = [:]
            for partition in pending {
                let order = cluster.readOrder(of: partition)
                guard !order.isEmpty else { continue }
                plan[order[attempt % order.count], default: []].append(UInt32(partition))
            }
            for (member, partitions) in plan {
                do {
                    try await fetch(partitions, from: member) { pending.remove($0) }
                } catch {
                    // Another replica is asked next time. Said every 25 attempts (about 5 s)
                    // while the mirror is incomplete, so a member that cannot answer shows.
                    if attempt % 25 == 0 {
                        logger.warning("catalog summaries failed", metadata: ["member": "\(member)", "attempt": "\(attempt)", "error": "\(error)"])
                    }
                }
            }
            attempt += 1
            if pending.isEmpty {
                if !gateway.isReady, await !allMembersUp() {
                    // Every partition answered, but some member has not: reads and
                    // writes would find its connection still backing off. Wait for it.
                    pending = []
                    try await gracefulSleep(.milliseconds(200))
                    continue
                }
                if !gateway.isReady {
                    gateway.markReady()
                    logger.info("inventory view loaded", metadata: ["products": "\(gateway.mirror.count)"])
                }
                pending = Set(0..<count)
                try await gracefulSleep(gateway.configuration.catalogRefreshInterval)
            } else {
                try await gracefulSleep(.milliseconds(200))
            }
        }
    }

    /// Products asked for in one summaries page: the node also ends a page near 1 MiB,
    /// so an answer stays far under the wire's message limit however big the shop.
    static let pageSize: UInt32 = 2_000

    /// Merges every product of `partitions` that `member` holds into the mirror, a page at
    /// a time, calling `answered` for each partition received to its end.
    private func fetch(_ partitions: [UInt32], from member: String, answered: (Int) -> Void) async throws {
        var queue = partitions[...]
        var firstRow: UInt32 = 0
        while !queue.isEmpty {
            var request = WireSummariesRequest()
            request.partitions = Array(queue.prefix(32))
            request.firstRow = firstRow
            request.limit = Self.pageSize
            let response: WireSummariesResponse = try await gateway.cluster.call(
                member, WireMethods.catalogSummaries, request, timeout: .seconds(5)
            )
            for wire in response.products {
                gateway.mirror.merge(ProductSummary(
                    id: wire.id, title: wire.title, category: wire.category, brand: wire.brand, price: wire.price,
                    stock: wire.hasStock ? wire.stock : nil, stockVersion: wire.hasStockVersion ? wire.stockVersion : nil,
                    version: wire.version, features: wire.features, cost: wire.hasCost ? wire.cost : nil,
                    url: wire.hasURL ? wire.url : nil, imageURL: wire.hasImageURL ? wire.imageURL : nil
                ))
            }
            for partition in response.partitions { answered(Int(partition)) }
            if response.hasResumePartition, let resume = request.partitions.firstIndex(of: response.resumePartition) {
                // Everything asked before the resume point was answered or is not held here.
                queue = queue.dropFirst(resume)
                firstRow = response.resumeRow
            } else {
                queue = queue.dropFirst(request.partitions.count)
                firstRow = 0
            }
        }
    }

    /// Whether every node answers its status call and says it is ready.
    private func allMembersUp() async -> Bool {
        for member in gateway.cluster.shardMap.members {
            do {
                let status: WireNodeStatus = try await gateway.cluster.call(
                    member, WireMethods.status, WirePingRequest(), timeout: .seconds(1)
                )
                if !status.ready { return false }
            } catch {
                return false
            }
        }
        return true
    }

}

/// Sleeps; on graceful shutdown (or cancellation) throws, so a service's loop ends.
func gracefulSleep(_ duration: Duration) async throws {
    try await cancelWhenGracefulShutdown {
        try await Task.sleep(for: duration)
    }
}
