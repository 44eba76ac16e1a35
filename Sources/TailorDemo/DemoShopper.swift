import Foundation

/// A shopper's tastes, drawn from the shopper's own random stream: what they like
/// (1–3 leaf categories, the popular ones more often), how loyal they are to one
/// brand, which prices they go for, and how active they are.
struct DemoShopper: Sendable {
    /// Preferred leaf indexes, the strongest first.
    var tastes: [Int]
    /// How often each taste leads a session, cumulative.
    var tasteShares: [Double]
    var favouriteBrand: Int?
    /// The chance that a product pick goes to the favourite brand when the leaf has it.
    var loyalty: Double
    /// 0 bargain hunter, 1 middle, 2 premium: the price band the shopper tends to pick.
    var priceLevel: UInt8
    /// Sessions over the demo's days.
    var sessionCount: Int

    init(catalog: DemoCatalog, using random: inout DemoRandom) {
        let draw = random.unit()
        let wanted = draw < 0.35 ? 1 : draw < 0.75 ? 2 : 3
        var tastes = [Int]()
        var attempts = 0
        while tastes.count < wanted && attempts < 30 {
            attempts += 1
            let leaf = catalog.leavesByPopularity[catalog.leafPopularity.sample(using: &random)]
            if !tastes.contains(leaf) && catalog.leaves[leaf].popularity != nil { tastes.append(leaf) }
        }
        if tastes.isEmpty, let any = catalog.leaves.indices.first(where: { catalog.leaves[$0].popularity != nil }) {
            tastes.append(any)
        }
        self.tastes = tastes
        // The first taste leads most sessions; later ones less and less.
        let raw = [0.6, 0.28, 0.12].prefix(tastes.count)
        let total = raw.reduce(0, +)
        var running = 0.0
        tasteShares = raw.map { share in
            running += share / total
            return running
        }

        favouriteBrand = tastes.first.flatMap { catalog.popularProduct(in: $0, using: &random) }.map { Int(catalog.productBrand[$0]) }
        loyalty = random.between(0, 0.6)
        let level = random.unit()
        priceLevel = level < 0.3 ? 0 : level < 0.8 ? 1 : 2
        // Activity is long-tailed: most shoppers come once or twice, a few often.
        sessionCount = min(15, 1 + Int(-log(1 - random.unit()) * 1.2))
    }

    /// The taste that leads a session.
    func sessionTaste(using random: inout DemoRandom) -> Int {
        let draw = random.unit()
        for (index, share) in tasteShares.enumerated() where draw < share { return tastes[index] }
        return tastes[tastes.count - 1]
    }
}
