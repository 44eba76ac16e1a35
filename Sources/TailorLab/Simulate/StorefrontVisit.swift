import Foundation
import NIOHTTP1
import TailorClient
import TailorDemo
import TailorModel

/// One shopper's visit to the simulated storefront: the I/O around the pure
/// ``StorefrontModel``. It asks the gateway for each page's placement, lets the
/// model decide what the shopper does with what was shown, and reports it all with
/// the answers' recommendation ids, the way a shop's pages and servers would.
///
/// Pages, in order: the home page (`home_for_you`), a product page of one of the
/// shopper's tastes (`product_similar`, with a `view` of that product), and, when
/// something went to the cart, the cart (`cart_addons`). Purchases close the visit.
struct StorefrontVisit {
    /// What every visit of a run shares.
    struct Setting: Sendable {
        var model: StorefrontModel
        var client: PublicAPIClient
        var placements: Set<Placement>
        var k: Int?
        /// Sent with every request when set; an experiment's variants set their own.
        var strategy: Strategy?
        var seed: UInt64
        /// Makes event ids unique to this run, so that a second run's events are not
        /// taken for retries of the first's.
        var runID: String
    }

    /// A product in the cart and the answer that showed it.
    private struct CartLine {
        var reaction: StorefrontModel.Reaction
        var recommendationID: String?
        var answer: Int
    }

    /// The placement and variant of each answer, to credit its outcomes to both.
    private struct Shown {
        var placement: String
        var variant: String
        var converted = false
    }

    private let setting: Setting
    private var plan: VisitPlan
    private let bucket: Int
    private let session: String
    private var tally = SimulationTally()
    private var events = [OutcomeEvent]()
    private var cart = [CartLine]()
    private var answers = [Shown]()

    /// Visit `number`, whose answers count in tenth `bucket` of the run's timeline.
    init(number: Int, bucket: Int, setting: Setting) {
        self.setting = setting
        self.bucket = bucket
        plan = setting.model.plan(visit: number, seed: setting.seed)
        session = "sim-\(setting.runID)-v\(number)"
    }

    /// Plays the visit and returns what it did.
    mutating func play(late: Bool) async -> SimulationTally {
        tally.visits = 1
        tally.lateVisits = late ? 1 : 0
        let context = RecommendationContext(device: plan.device, source: plan.source)

        if setting.placements.contains(.homeForYou) {
            var home = context
            home.page = "home"
            await page(.homeForYou, context: home)
        }
        if let product = plan.productPage {
            record("view", product: product)
            if setting.placements.contains(.productSimilar) {
                var productPage = context
                productPage.page = "product"
                productPage.product = product
                await page(.productSimilar, context: productPage)
            }
        }
        if !cart.isEmpty, setting.placements.contains(.cartAddons) {
            var cartPage = context
            cartPage.page = "cart"
            cartPage.cart = cart.map(\.reaction.product)
            cartPage.product = cart.last?.reaction.product
            await page(.cartAddons, context: cartPage)
        }
        checkout()

        // Impressions go in a batch of their own: a gateway that does not know them
        // yet refuses that batch, and the shopper's clicks and purchases still arrive.
        await deliver(events.filter { $0.type == "impression" })
        await deliver(events.filter { $0.type != "impression" })
        return tally
    }

    // MARK: Pages

    private mutating func page(_ placement: Placement, context: RecommendationContext) async {
        tally.byPlacement[placement.rawValue, default: .init()].requests += 1
        let request = RecommendationRequest(
            shopper: plan.visitor.id, session: session, placement: placement, context: context,
            k: setting.k, strategy: setting.strategy
        )
        let answer: OutcomeAnswer
        do {
            let (status, body) = try await setting.client.send(.POST, "/v1/recommendations", request)
            guard status == 200 else {
                return failed(placement, status: status, "POST /v1/recommendations (\(placement.rawValue)) → \(status): \(Self.excerpt(body))")
            }
            answer = try JSONDecoder().decode(OutcomeAnswer.self, from: body)
        } catch {
            return failed(placement, status: 0, "POST /v1/recommendations (\(placement.rawValue)): \(error)")
        }
        show(answer, on: placement)
    }

    private mutating func failed(_ placement: Placement, status: Int, _ what: String) {
        tally.byPlacement[placement.rawValue, default: .init()].failedRequests += 1
        tally.failuresByStatus[status == 0 ? "no answer" : String(status), default: 0] += 1
        tally.failures.append(what)
    }

    /// The shopper sees `answer`: an impression, then whatever the model says they do.
    private mutating func show(_ answer: OutcomeAnswer, on placement: Placement) {
        let shown = answer.shown
        let variant = answer.variantKey
        let index = answers.count
        answers.append(Shown(placement: placement.rawValue, variant: variant))
        if answer.recommendationId == nil { tally.answersWithoutRecommendationID += 1 } else { tally.answersWithRecommendationID += 1 }
        tally.timeline[variant, default: Array(repeating: 0, count: SimulationTally.buckets)][bucket] += 1
        // The placement counted the request when it was sent; a variant is known only from its answer.
        tally.byVariant[variant, default: .init()].requests += 1
        credit(index) {
            $0.impressions += 1
            $0.itemsShown += shown.count
        }
        record("impression", products: shown, recommendationID: answer.recommendationId)

        for reaction in setting.model.react(to: shown, of: plan.visitor, using: &plan.random) where reaction.clicked {
            record("click", product: reaction.product, recommendationID: answer.recommendationId)
            credit(index) { $0.clicks += 1 }
            guard reaction.addedToCart else { continue }
            record("add_to_cart", product: reaction.product, quantity: max(1, reaction.quantity), recommendationID: answer.recommendationId)
            credit(index) { $0.addsToCart += 1 }
            cart.append(CartLine(reaction: reaction, recommendationID: answer.recommendationId, answer: index))
        }
    }

    /// The bought part of the cart is paid for: one purchase event per product at its catalog price.
    private mutating func checkout() {
        for line in cart where line.reaction.bought {
            let reaction = line.reaction
            record("purchase", product: reaction.product, quantity: reaction.quantity, price: reaction.price, recommendationID: line.recommendationID)
            let converted = answers[line.answer].converted
            answers[line.answer].converted = true
            credit(line.answer) {
                $0.purchases += 1
                $0.units += reaction.quantity
                $0.revenue += reaction.price * Double(reaction.quantity)
                $0.margin += (reaction.price - reaction.cost) * Double(reaction.quantity)
                if !converted { $0.convertedImpressions += 1 }
            }
        }
    }

    /// Counts an outcome for the placement and the variant of answer `index`.
    private mutating func credit(_ index: Int, _ change: (inout SimulationTally.Outcomes) -> Void) {
        change(&tally.byPlacement[answers[index].placement, default: .init()])
        change(&tally.byVariant[answers[index].variant, default: .init()])
    }

    private mutating func record(
        _ type: String, product: String? = nil, products: [String]? = nil, quantity: Int? = nil, price: Double? = nil,
        recommendationID: String? = nil
    ) {
        events.append(OutcomeEvent(
            id: "\(session)-\(events.count)", type: type, user: plan.visitor.id, session: session, product: product,
            products: products, quantity: quantity, price: price, recommendationId: recommendationID
        ))
    }

    // MARK: Events

    /// Sends `events` in batches the API takes, retrying a 503 twice (the ids make a
    /// retry a no-op), and counts each event acknowledged (2xx) or refused.
    private mutating func deliver(_ events: [OutcomeEvent]) async {
        for batch in PublicAPIClient.chunks(events, of: Limits.maximumEventsPerBatch) {
            var outcome = "no answer"
            var acknowledged = false
            for attempt in 0..<3 {
                if attempt > 0 { try? await Task.sleep(for: .milliseconds(200)) }
                do {
                    let (status, body) = try await setting.client.send(.POST, "/v1/events", OutcomeEventBatch(events: batch))
                    acknowledged = (200..<300).contains(status)
                    outcome = "\(status): \(Self.excerpt(body))"
                    if status != 503 { break }
                } catch {
                    outcome = "no answer: \(error)"
                }
            }
            for event in batch {
                tally.events[event.type, default: .init()].sent += 1
                if acknowledged { tally.events[event.type, default: .init()].acknowledged += 1 } else { tally.events[event.type, default: .init()].refused += 1 }
            }
            if !acknowledged {
                let types = Set(batch.map(\.type)).sorted().joined(separator: ",")
                tally.refusals.append("POST /v1/events (\(batch.count) \(types)) → \(outcome)")
            }
        }
    }

    private static func excerpt(_ body: Data) -> String {
        String(decoding: body.prefix(300), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
    }
}
