import TailorModel

/// The pages of a purchase: product, cart, order, and search.
extension StorefrontPages {
    /// The product page; nil for an id the demo shop does not have. The view event and
    /// the add-to-cart button are the page's script (shop.js), the similar products tailor.js's.
    func product(id: String) -> String? {
        guard let product = catalog.product(id) else { return nil }
        let category = catalog.category(of: product)
        let stock = catalog.stock(of: id) ?? 0
        let attributes = (product.attributes ?? [:]).sorted { $0.key < $1.key }.map {
            "<dt>\(StorefrontHTML.escape($0.key))</dt><dd>\(StorefrontHTML.escape($0.value))</dd>"
        }.joined()
        let escapedID = StorefrontHTML.escape(product.id)
        return page(product.title, """
            <nav class="crumbs">\(StorefrontHTML.escape(product.categoryPath.dropLast().joined(separator: " > "))) > \(category.map(categoryLink) ?? "")</nav>
            <article class="product">
            <h1>\(StorefrontHTML.escape(product.title))</h1>
            <p class="brand">\(StorefrontHTML.escape(product.brand ?? ""))</p>
            <p class="price">\(StorefrontHTML.price(product.price))</p>
            <p class="meta">\(product.rating.map { "Rated \($0) / 5 · " } ?? "")\(stock > 0 ? "\(stock) in stock" : "Sold out")</p>
            <dl>\(attributes)</dl>
            <button id="add-to-cart" type="button" data-product-id="\(escapedID)" data-title="\(StorefrontHTML.escape(product.title))" \
            data-price="\(product.price)"\(stock > 0 ? "" : " disabled")>Add to cart</button> <span id="added" hidden>Added to your cart.</span>
            </article>
            \(placement(.productSimilar, heading: "Similar products", k: 6, attributes: " data-tailor-product=\"\(escapedID)\""))
            <script>Shop.productPage()</script>
            """)
    }

    /// The cart: kept in the browser (localStorage), so the page's script fills in the
    /// lines and the placements' `context.cart` before tailor.js renders them.
    func cart() -> String {
        page("Cart", """
            <h1>Your cart</h1>
            <table class="cart"><thead><tr><th>Product</th><th>Quantity</th><th>Price</th><th></th></tr></thead><tbody id="cart-lines"></tbody></table>
            <p id="cart-empty" hidden>Your cart is empty.</p>
            <form method="post" action="/checkout" id="checkout">
            <input type="hidden" name="cart"><input type="hidden" name="user"><input type="hidden" name="session">
            <button id="place-order" type="submit">Place order</button>
            </form>
            \(placement(.cartAddons, heading: "Goes well with your cart", k: 4))
            \(placement(.checkoutOffer, heading: "Before you check out", k: 3))
            <script>Shop.cartPage()</script>
            """)
    }

    /// The thank-you page, with what the order email would recommend.
    func order(_ order: StorefrontOrder) -> String {
        let lines = order.lines.map { line in
            "<tr><td>\(StorefrontHTML.escape(line.product.title))</td><td>\(line.quantity)</td><td>\(StorefrontHTML.price(line.product.price * Double(line.quantity)))</td>"
                + "<td>\(line.recommendationId == nil ? "" : "from a recommendation")</td></tr>"
        }.joined()
        let context = RecommendationContext(cart: order.lines.map(\.product.id))
        return page("Order \(order.number)", """
            <h1>Thank you for your order!</h1>
            <p id="order-number">Order #\(order.number), for \(StorefrontHTML.escape(order.user)): \(StorefrontHTML.price(order.total)).</p>
            <table class="cart"><tbody>\(lines)</tbody></table>
            \(placement(.postOrderEmail, heading: "Your order email will suggest", k: 4, attributes: " data-tailor-context=\"\(StorefrontHTML.jsonAttribute(context))\""))
            <script>Shop.clearCart()</script>
            """)
    }

    /// Products matching the query, re-ranked for the shopper by `search_rerank`; the
    /// catalog's order is shown until (or unless) tailor.js answers.
    func search(query: String) -> String {
        let candidates = catalog.search(query, limit: Self.searchCandidates)
        let escaped = StorefrontHTML.escape(query)
        guard !candidates.isEmpty else {
            return page("Search", "<h1>Search: \(escaped)</h1><p class=\"count\">No product matches.</p>")
        }
        let context = RecommendationContext(query: query, candidates: candidates.map(\.id))
        let fallback = candidates.prefix(Self.searchShown).map(card).joined()
        return page("Search", """
            <h1>Search: \(escaped)</h1>
            <p class="count">\(candidates.count)\(candidates.count == Self.searchCandidates ? " or more" : "") products match; the best \(min(Self.searchShown, candidates.count)) for you:</p>
            \(placement(.searchRerank, heading: "Results", k: Self.searchShown, attributes: " data-tailor-context=\"\(StorefrontHTML.jsonAttribute(context))\" data-search=\"\(escaped)\"", fallback: fallback))
            <script>Shop.searchPage()</script>
            """)
    }
}

/// A placed order, kept in memory for its thank-you page.
struct StorefrontOrder: Sendable, Hashable {
    struct Line: Sendable, Hashable {
        var product: Product
        var quantity: Int
        /// The recommendation the shopper added it from, if any.
        var recommendationId: String?
    }

    var number: Int
    var user: String
    var lines: [Line]

    var total: Double { lines.reduce(0) { $0 + $1.product.price * Double($1.quantity) } }
}
