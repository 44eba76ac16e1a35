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
    /// Replication answers from the store as soon as it is open, before the
    /// partitions are loaded: members restarting together can catch up from each other.
    /// (Pushes write into the partitions, so they wait for them.)
    func registerReplication(on router: inout HTTP2Router) {
        router.register(WireMethods.syncDigest) { replication.digests($0) }
        router.register(WireMethods.syncPull) { try replication.pull($0) }
        router.register(WireMethods.syncPush, admit: { try requireReady() }) { try await push($0) }
    }

    /// Records another replica gives this one (hand-off before it lets go).
    func push(_ request: WirePushRequest) async throws -> WirePushResponse {
        var records: [(partition: Int, record: ReplicatedRecord)] = []
        for entry in request.partitions {
            _ = try held(Int(entry.partition))
            for wire in entry.records {
                do { records.append((Int(entry.partition), try wire.model())) } catch { throw HTTP2ServerError(.badRequest, error.message) }
            }
        }
        var response = WirePushResponse()
        response.stored = UInt32(try await data.write(records).stored)
        return response
    }
}
