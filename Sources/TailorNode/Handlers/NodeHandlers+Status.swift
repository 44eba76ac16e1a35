import HTTPTypes
import NIOCore
import TailorCRDT
import TailorHTTP2
import TailorMembership
import TailorModel
import TailorRPC
import TailorScoring
import TailorStore
import TailorWire

extension NodeHandlers {
    /// Liveness, readiness and the node's status.
    func registerStatus(on router: inout HTTP2Router) {
        router.register(WireMethods.ping) { _ in WireText("pong \(member)\n") }
        router.register(WireMethods.status) { _ in await status() }
        router.on(.get, "/readyz") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            let ready = isReady
            return HTTP2Response(status: ready ? .ok : .serviceUnavailable, headers: headers, body: ByteBuffer(string: ready ? "ready\n" : "catching up\n"))
        }
    }

    func status() async -> WireNodeStatus {
        var status = WireNodeStatus()
        status.member = member
        status.ready = isReady
        status.storedRecords = UInt64(data.store.recordCount)
        for partition in table.partitions {
            guard let replica = table[partition] else { continue }
            status.partitions.append(UInt32(partition))
            if !replica.complete { status.incompletePartitions.append(UInt32(partition)) }
            status.products += UInt64(await replica.catalog.productCount)
            status.shoppers += UInt64(await replica.shoppers.shopperCount)
            status.events += UInt64(await replica.shoppers.eventCount)
        }
        return status
    }
}
