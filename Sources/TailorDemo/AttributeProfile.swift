/// Which attributes make sense for the products of a leaf category: a shirt has a
/// size and a fit, a pan a material, coffee beans none of these.
struct AttributeProfile: Sendable {
    var hasColour: Bool
    var materials: [String]
    var sizes: [String]
    var fits: [String]

    static let colours = [
        "black", "white", "grey", "navy", "blue", "red", "green", "olive", "beige", "brown",
        "pink", "yellow", "orange", "purple", "silver",
    ]

    static let apparel = AttributeProfile(
        hasColour: true, materials: ["cotton", "organic cotton", "merino", "polyester", "linen", "recycled polyester"],
        sizes: ["XS", "S", "M", "L", "XL", "XXL"], fits: ["slim", "regular", "relaxed"]
    )
    static let denim = AttributeProfile(
        hasColour: true, materials: ["denim", "stretch denim", "organic denim"],
        sizes: ["28", "30", "32", "34", "36", "38"], fits: ["skinny", "slim", "straight", "relaxed"]
    )
    static let footwear = AttributeProfile(
        hasColour: true, materials: ["mesh", "leather", "suede", "knit", "synthetic"],
        sizes: ["36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46"], fits: ["narrow", "regular", "wide"]
    )
    static let socks = AttributeProfile(
        hasColour: true, materials: ["merino", "cotton", "polyamide"], sizes: ["35-38", "39-42", "43-46"], fits: []
    )
    static let leatherGoods = AttributeProfile(
        hasColour: true, materials: ["leather", "vegan leather", "canvas", "nylon"], sizes: [], fits: []
    )
    static let textile = AttributeProfile(
        hasColour: true, materials: ["cotton", "linen", "silk", "wool", "down", "microfibre"], sizes: [], fits: []
    )
    static let bedding = AttributeProfile(
        hasColour: true, materials: ["cotton", "linen", "down", "microfibre", "bamboo"],
        sizes: ["single", "double", "king"], fits: []
    )
    static let gadget = AttributeProfile(hasColour: true, materials: [], sizes: [], fits: [])
    static let cookware = AttributeProfile(
        hasColour: false, materials: ["stainless steel", "cast iron", "aluminium", "carbon steel", "ceramic"], sizes: [], fits: []
    )
    static let kitchenware = AttributeProfile(
        hasColour: true, materials: ["wood", "bamboo", "silicone", "ceramic", "glass", "stainless steel"], sizes: [], fits: []
    )
    static let outdoorGear = AttributeProfile(
        hasColour: true, materials: ["nylon", "polyester", "aluminium", "ripstop"], sizes: [], fits: []
    )
    static let sportsGear = AttributeProfile(
        hasColour: true, materials: ["rubber", "steel", "foam", "latex", "carbon"], sizes: [], fits: []
    )
    static let helmet = AttributeProfile(hasColour: true, materials: [], sizes: ["S", "M", "L"], fits: [])
    static let furniture = AttributeProfile(
        hasColour: true, materials: ["teak", "aluminium", "rattan", "steel", "acacia"], sizes: [], fits: []
    )
    static let plain = AttributeProfile(hasColour: false, materials: [], sizes: [], fits: [])
}
