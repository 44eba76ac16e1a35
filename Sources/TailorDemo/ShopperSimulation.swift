import TailorModel

/// Plays one shopper's sessions over the demo's window and records what they do.
///
/// A session follows one interest: usually one of the shopper's tastes, sometimes
/// a popular category they wander into. It may start with a search, browses a few
/// products (clicks and views), and may go on to the cart, often adding a
/// complement of what went in (socks with shoes), sometimes removing something,
/// and often ending in a purchase of the whole cart.
struct ShopperSimulation {
    let catalog: DemoCatalog
    let shopper: DemoShopper
    /// The shopper's id.
    let shopperID: String
    var random: DemoRandom
    let start: Int64
    let end: Int64

    private var events = [StoredEvent]()
    private var now: Int64 = 0
    private var session = ""
    private let idPrefix: String

    init(catalog: DemoCatalog, shopper: DemoShopper, shopperID: String, random: DemoRandom, start: Int64, end: Int64) {
        self.catalog = catalog
        self.shopper = shopper
        self.shopperID = shopperID
        self.random = random
        self.start = start
        self.end = end
        idPrefix = "demo-" + shopperID + "-"
    }

    mutating func run() -> [StoredEvent] {
        // Sessions start anywhere in the window but leave room to finish before its end.
        let span = max(1, end - start - 2 * 3_600_000)
        var starts = (0..<shopper.sessionCount).map { _ in start + Int64(random.below(Int(span))) }
        starts.sort()
        events.reserveCapacity(shopper.sessionCount * 7)
        for (number, sessionStart) in starts.enumerated() {
            // A session never overlaps the one before: the shopper is one person.
            now = events.last.map { max(sessionStart, $0.atMillis + 30 * 60_000) } ?? sessionStart
            session = "s-" + shopperID + "-" + String(number)
            playSession()
        }
        return events
    }

    private mutating func playSession() {
        // Most sessions follow a taste; some wander into a popular category.
        let leaf = random.chance(0.12)
            ? catalog.leavesByPopularity[catalog.leafPopularity.sample(using: &random)]
            : shopper.sessionTaste(using: &random)
        guard catalog.leaves[leaf].popularity != nil else { return }

        if random.chance(0.3) { search(in: leaf) }
        var viewed = [Int]()
        for _ in 0..<random.between(2...5) {
            guard let product = pick(in: leaf) else { break }
            if random.chance(0.3) {
                record(.click, [product], after: 5_000...40_000)
                record(.view, [product], after: 1_000...4_000)
            } else {
                record(.view, [product], after: 15_000...150_000)
            }
            viewed.append(product)
        }
        guard !viewed.isEmpty, random.chance(0.38) else { return }

        var cart = [viewed[viewed.count - 1 - random.below(min(2, viewed.count))]]
        record(.addToCart, cart, after: 10_000...60_000)
        if random.chance(0.55), let complement = complement(of: cart[0]) {
            if random.chance(0.5) { record(.view, [complement], after: 10_000...60_000) }
            record(.addToCart, [complement], after: 5_000...40_000)
            cart.append(complement)
        }
        if random.chance(0.12) {
            let removed = cart.remove(at: random.below(cart.count))
            record(.removeFromCart, [removed], after: 10_000...90_000)
        }
        guard !cart.isEmpty, random.chance(0.6) else { return }

        let cheapSingle = cart.count == 1 && catalog.refs[cart[0]].price < 20
        record(.purchase, cart, quantity: cheapSingle && random.chance(0.3) ? 2 : 1, after: 60_000...300_000)
        // After an order, some shoppers look at what goes with it.
        if random.chance(0.2), let complement = complement(of: random.pick(cart)) {
            record(.view, [complement], after: 20_000...120_000)
        }
    }

    private mutating func search(in leaf: Int) {
        let queries = catalog.leaves[leaf].queries
        let listed = catalog.leaves[leaf].products
        let first = random.below(min(3, listed.count))
        let shown = Array(listed[first..<min(listed.count, first + 4)])
        record(.search, shown, query: random.pick(queries), after: 5_000...20_000)
    }

    /// A product of `leaf` for this shopper: the favourite brand when loyalty wins,
    /// otherwise by popularity, preferring the shopper's price band.
    private mutating func pick(in leaf: Int) -> Int? {
        if let brand = shopper.favouriteBrand, random.chance(shopper.loyalty),
            let own = catalog.leaves[leaf].productsByBrand[brand]
        {
            let draw = random.unit()
            return own[Int(Double(own.count) * draw * draw)]
        }
        guard let first = catalog.popularProduct(in: leaf, using: &random) else { return nil }
        if catalog.priceBand[first] == shopper.priceLevel { return first }
        guard let second = catalog.popularProduct(in: leaf, using: &random) else { return first }
        return catalog.priceBand[second] == shopper.priceLevel ? second : first
    }

    private mutating func complement(of product: Int) -> Int? {
        let complements = catalog.leaves[Int(catalog.productLeaf[product])].complements
        guard !complements.isEmpty else { return nil }
        return pick(in: random.pick(complements))
    }

    private mutating func record(
        _ type: EventType, _ products: [Int], query: String = "", quantity: Int = 1, after gap: ClosedRange<Int>
    ) {
        now += Int64(random.between(gap))
        events.append(
            StoredEvent(
                id: idPrefix + String(events.count), type: type, shopper: shopperID, session: session,
                products: products.map { catalog.refs[$0] }, quantity: quantity, query: query,
                atMillis: min(now, end)
            )
        )
    }
}
