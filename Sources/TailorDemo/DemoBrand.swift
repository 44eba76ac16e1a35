/// A brand of the demo shop. It lives in one or two departments, and its tier sets
/// both where its prices sit and how much the shop earns on them.
struct DemoBrand: Sendable {
    enum Tier: Int, Sendable {
        case budget = 0
        case standard = 1
        case premium = 2

        /// Prices relative to the leaf category's median.
        var priceFactor: Double {
            switch self {
            case .budget: 0.7
            case .standard: 1.0
            case .premium: 1.65
            }
        }

        /// The range of the brand's cost as a share of price: budget brands leave the
        /// shop little, premium ones much, so the margin strategy has something to find.
        var costShare: ClosedRange<Double> {
            switch self {
            case .budget: 0.68...0.82
            case .standard: 0.52...0.72
            case .premium: 0.42...0.58
            }
        }
    }

    var name: String
    var tier: Tier
    /// The brand's typical cost share; each product varies a little around it.
    var costShare: Double
    var departments: [String]

    private static let openings = [
        "Ac", "Bri", "Cal", "Dor", "El", "Fen", "Gal", "Hal", "Ist", "Jor", "Kel", "Lum", "Mar", "Nor",
        "Or", "Pel", "Quin", "Ros", "Sol", "Tor", "Ul", "Ver", "Wes", "Zan", "Ar", "Bel", "Cor", "Dal",
    ]
    private static let endings = [
        "ex", "ora", "ia", "on", "ix", "ent", "ova", "us", "ara", "el", "o", "ity", "and", "ino", "ea", "ik",
    ]

    /// Brands for every department, about `perDepartment` each, a third of them also
    /// selling in a second department.
    static func make(departments: [String], perDepartment: Int, using random: inout DemoRandom) -> [DemoBrand] {
        var names = Set<String>()
        var brands = [DemoBrand]()
        for department in departments {
            for _ in 0..<perDepartment {
                var name: String
                repeat {
                    name = random.pick(openings) + random.pick(endings)
                    if random.chance(0.25) { name += random.pick(["", " Co", " Labs", " & Sons", " Studio"]) }
                } while !names.insert(name).inserted
                let draw = random.unit()
                let tier: Tier = draw < 0.2 ? .premium : draw < 0.45 ? .budget : .standard
                let share = random.between(tier.costShare.lowerBound, tier.costShare.upperBound)
                var lives = [department]
                if random.chance(0.33) {
                    let other = random.pick(departments)
                    if other != department { lives.append(other) }
                }
                brands.append(DemoBrand(name: name, tier: tier, costShare: share, departments: lives))
            }
        }
        return brands
    }
}
