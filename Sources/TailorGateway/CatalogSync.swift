import HTTPTypes
import Logging
import TailorMembership
import ServiceLifecycle
import TailorModel
import TailorScoring
import TailorWire

/// Fills the gateway's inventory view from the nodes: every partition's product
/// summaries from one of its replicas. Until every partition has answered once, the
/// gateway is not ready; after that it refreshes periodically (versions only move
/// forward, so a refresh never undoes a newer write made through this gateway).
struct CatalogSync: Service {
    let gateway: GatewayService

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
                // Chunks keep each answer well under the wire's message limit.
                for chunk in stride(from: 0, to: partitions.count, by: 32).map({ Array(partitions[$0..<min($0 + 32, partitions.count)]) }) {
                    var request = WireSummariesRequest()
                    request.partitions = chunk
                    do {
                        let response: WireSummariesResponse = try await cluster.call(member, "/internal/catalog/summaries", request, timeout: .seconds(5))
                        for wire in response.products {
                            gateway.view.merge(ProductSummary(
                                id: wire.id, title: wire.title, category: wire.category, brand: wire.brand, price: wire.price,
                                stock: wire.hasStock ? wire.stock : nil, stockVersion: wire.hasStockVersion ? wire.stockVersion : nil,
                                version: wire.version, features: wire.features
                            ))
                        }
                        for partition in response.partitions { pending.remove(Int(partition)) }
                    } catch {
                        break
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
                    Logger(label: "tailor.gateway").info("inventory view loaded", metadata: ["products": "\(gateway.view.count)"])
                }
                pending = Set(0..<count)
                try await gracefulSleep(gateway.configuration.catalogRefreshInterval)
            } else {
                try await gracefulSleep(.milliseconds(200))
            }
        }
    }

    /// Whether every node answers its status call and says it is ready.
    private func allMembersUp() async -> Bool {
        for member in gateway.cluster.shardMap.members {
            do {
                let status: WireNodeStatus = try await gateway.cluster.call(
                    member, "/internal/status", WirePingRequest(), timeout: .seconds(1), method: .get
                )
                if !status.ready { return false }
            } catch {
                return false
            }
        }
        return true
    }

    /// Sleeps; on shutdown `run()` returns through the cancellation it throws.
    private func gracefulSleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown {
            try await Task.sleep(for: duration)
        }
    }
}
