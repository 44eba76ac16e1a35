import TailorDemo
import TailorJourneys
import TailorModel

extension LoadMix {
    /// Where a visit comes from (segments' `source`).
    static let sources = ["google_shopping", "direct", "email", "instagram"]
    /// The share of visits whose storefront reports exit intent.
    static let exitIntentShare = 0.25

    /// One page visit of an `only` mix as `kind` asks: the same draws whatever the kind,
    /// so that a decisions mix and a recommendations mix of the same seed ask for the
    /// same shoppers, sessions, contexts and k, and differ only in what is asked.
    /// Recommendations name no strategy, as the placement of a decision does not.
    mutating func nextVisit(_ kind: LoadKind) -> LoadRequest {
        let shopper = DemoIDs.shopper(shoppers.next(using: &random))
        let session = "\(shopper)-s\(random.next(in: 1...3))"
        var context = RecommendationContext(page: "home", device: pick(Self.devices), source: pick(Self.sources))
        context.localHour = random.below(24)
        if random.nextUnit() < Self.exitIntentShare { context.exitIntent = true }
        let k = random.nextBool() ? 5 : 10
        switch kind {
        case .decisions:
            return .decision(DecisionRequest(shopper: shopper, session: session, context: context, points: configuration.points, k: k))
        case .recommendations, .events:
            return .recommendation(RecommendationRequest(shopper: shopper, session: session, placement: configuration.placement, context: context, k: k))
        }
    }
}
