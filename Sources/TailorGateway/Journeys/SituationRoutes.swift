import Foundation
import Hummingbird
import TailorMembership
import TailorModel
import TailorWire

extension GatewayService {
    /// How long one replica of the shopper's partition may take to build the situation,
    /// and how long the route tries replicas in all before answering 503.
    static let situationAttemptTimeout: Duration = .seconds(1)
    static let situationDeadline: Duration = .seconds(3)

    /// `GET /v1/shoppers/{id}/situation` (private: it shows the shopper's history as
    /// scoring reads it). The stored situation, whatever the consent policy would let a
    /// recommendation read without an explicit `personalization`, like the segments route.
    func addSituationRoutes(to shop: RouterGroup<GatewayRequestContext>) {
        shop.get("/v1/shoppers/{id}/situation") { _, context in
            let shopper = try Self.pathID(context)
            do throws(ValidationError) { try Check.identifier(shopper, "id") } catch { throw APIError(error) }
            return try JSONCoding.response(try await self.situationView(of: shopper))
        }
    }

    /// Asks the replicas of the shopper's partition in read order (as recommendations
    /// do) and names the one that answered.
    private func situationView(of shopper: String) async throws -> ShopperSituationView {
        var request = WireSituationRequest()
        request.user = shopper
        request.nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        let partition = cluster.shardMap.partition(of: shopper)
        let end = ContinuousClock.now + Self.situationDeadline
        var failures: [String] = []
        for member in cluster.readOrder(of: partition) {
            let timeout = min(Self.situationAttemptTimeout, end - .now)
            guard timeout > .zero else { break }
            do {
                let response: WireSituationResponse = try await cluster.call(member, WireMethods.situation, request, timeout: timeout)
                return ShopperSituationView(
                    shopper: shopper, known: response.known, partition: partition, replica: member,
                    situation: response.known ? response.situation.model : Situation(), title: mirror.title
                )
            } catch let error as NodeCallError {
                failures.append("\(member): \(error.message)")
            }
        }
        throw APIError(
            status: .serviceUnavailable, field: nil,
            problem: "no replica of partition \(partition) answered (\(failures.isEmpty ? "none is known" : failures.joined(separator: "; ")))"
        )
    }
}
