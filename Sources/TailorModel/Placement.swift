/// Where on the shop the recommendations are shown. It decides what the situation
/// is made of (the current product, the cart, the history) and the default weights.
package enum Placement: String, Codable, Sendable, CaseIterable {
    case homeForYou = "home_for_you"
    case productSimilar = "product_similar"
    case cartAddons = "cart_addons"
    case checkoutOffer = "checkout_offer"
    case postOrderEmail = "post_order_email"
    case searchRerank = "search_rerank"
}

/// The shop's goal of the moment.
package enum Strategy: String, Codable, Sendable, CaseIterable {
    /// What this shopper is most likely to buy.
    case conversion
    /// Prefer products that earn the shop more per sale.
    case margin
    /// Prefer products the shop holds too many of.
    case stock
}
