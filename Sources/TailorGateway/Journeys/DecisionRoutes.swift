import Foundation
import Hummingbird
import TailorJourneys
import TailorModel

extension GatewayService {
    /// `POST /v1/decisions` (public: the storefront asks from the browser, like
    /// recommendations) and `GET /v1/shoppers/{id}/segments` (private: it shows the
    /// shopper's facts).
    func addDecisionRoutes(storefront: RouterGroup<GatewayRequestContext>, shop: RouterGroup<GatewayRequestContext>, recommender: Recommender) {
        storefront.post("/v1/decisions") { request, _ in
            let body = try await JSONCoding.decode(DecisionRequest.self, from: request)
            do throws(ValidationError) { try body.validate() } catch { throw APIError(error) }
            let answer = await self.decide(body, using: recommender)
            return try JSONCoding.response(writing: answer, capacity: answer.estimatedJSONBytes)
        }
        shop.get("/v1/shoppers/{id}/segments") { request, context in
            let shopper = try Self.pathID(context)
            do throws(ValidationError) { try Check.identifier(shopper, "id") } catch { throw APIError(error) }
            var factContext = RecommendationContext()
            let query = request.uri.queryParameters
            factContext.device = query.get("device")
            factContext.source = query.get("source")
            factContext.session = query.get("session")
            if let text = query.get("localHour") {
                guard let hour = Int(text), (0...23).contains(hour) else {
                    throw APIError(status: .badRequest, field: "localHour", problem: "must be an hour from 0 to 23")
                }
                factContext.localHour = hour
            }
            if let text = query.get("exitIntent") {
                guard let flag = Bool(text) else { throw APIError(status: .badRequest, field: "exitIntent", problem: "must be true or false") }
                factContext.exitIntent = flag
            }
            do throws(ValidationError) { try factContext.validate(field: "query") } catch { throw APIError(error) }
            let facts = Self.factsRequest(of: shopper, context: factContext, shownSince: 0, nowMillis: Int64(Date().timeIntervalSince1970 * 1000))
            let reading = await self.readFacts(facts, readsHistory: true, until: .now + self.configuration.recommendationDeadline)
            return try JSONCoding.response(ShopperSegmentsView(
                user: shopper, segments: SegmentMatch.matches(self.liveSegments, facts: reading.facts), facts: reading.facts.all,
                complete: reading.fromPartition, reasons: reading.problem.map { [$0] }
            ))
        }
    }
}
