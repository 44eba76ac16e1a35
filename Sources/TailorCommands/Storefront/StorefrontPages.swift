import TailorModel

/// The demo storefront's pages, rendered on the server from the demo catalog. They
/// know nothing of the shopper: every recommendation on them is rendered in the
/// browser by tailor.js, loaded from the gateway like any shop would load it.
///
/// Stable hooks for browser tests: placements carry `data-tailor-placement`, product
/// links `data-product-link`, category links `data-category`; `#shopper`,
/// `#add-to-cart`, `#place-order`.
struct StorefrontPages: Sendable {
    /// Where the pages get the snippet and with which key.
    struct Site: Sendable, Hashable {
        /// The public API's base URL (the gateway's, or the first node's with `--api-on-nodes`).
        var api: String
        /// The public key the snippet sends; nil in open mode.
        var publicKey: String?

        var snippetURL: String { api + "/sdk/tailor.js" }
    }

    let catalog: StorefrontCatalog
    var site: Site

    /// Products shown on a category page.
    static let categoryPageSize = 48
    /// Search candidates sent to `search_rerank`, and how many of them the page shows.
    static let searchCandidates = 100
    static let searchShown = 12

    // MARK: Layout

    /// A whole page: the header (search, cart, shopper switcher), `main`, and the
    /// template recommendations render with.
    func page(_ title: String, _ main: String) -> String {
        let key = site.publicKey.map { " data-key=\"\(StorefrontHTML.escape($0))\"" } ?? ""
        let shoppers = catalog.shoppers.map { shopper in
            "<option value=\"\(StorefrontHTML.escape(shopper.id))\">\(StorefrontHTML.escape(shopper.id)) (likes \(StorefrontHTML.escape(shopper.taste)))</option>"
        }.joined()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(StorefrontHTML.escape(title)) · Tailor demo shop</title>
            <link rel="stylesheet" href="/shop.css">
            <script src="/shop.js"></script>
            <script src="\(StorefrontHTML.escape(site.snippetURL))"\(key) data-product-url="/p/{{product}}" async></script>
            </head><body>
            <header><a class="brand" href="/">Tailor demo shop</a>
            <form class="search" action="/search" role="search"><input type="search" name="q" placeholder="Search products" aria-label="Search products"></form>
            <a class="cart-link" href="/cart">Cart (<span id="cart-count">0</span>)</a>
            <span class="shopper"><label for="shopper">Shopper</label> <select id="shopper"><option value="">new visitor</option>\(shoppers)</select></span>
            </header>
            <main>
            \(main)
            </main>
            <footer>Recommendations by <a href="\(StorefrontHTML.escape(site.api))/console/">Tailor</a>, rendered by <code>tailor.js</code> from \(StorefrontHTML.escape(site.api)). Browsing as <span id="who"></span>.</footer>
            <template id="product-card"><div class="card"><a data-product-link="{{product}}" href="{{url}}">{{title}}</a><div class="price">€{{price}}</div><div class="reason">{{reason}}</div></div></template>
            <script>Shop.header()</script>
            </body></html>

            """
    }

    /// A product card of a server-rendered list.
    func card(_ product: Product) -> String {
        let id = StorefrontHTML.escape(product.id)
        return """
            <div class="card"><a data-product-link="\(id)" href="/p/\(StorefrontHTML.escape(StorefrontHTML.pathSegment(product.id)))">\(StorefrontHTML.escape(product.title))</a>\
            <div class="price">\(StorefrontHTML.price(product.price))</div><div class="meta">\(StorefrontHTML.escape(product.brand ?? ""))</div></div>
            """
    }

    /// A placement for tailor.js to render (its data attributes are the snippet's auto-render).
    func placement(_ placement: Placement, heading: String, k: Int, attributes: String = "", fallback: String = "") -> String {
        """
        <section class="placement"><h2>\(StorefrontHTML.escape(heading))</h2>
        <div class="grid" data-tailor-placement="\(placement.rawValue)" data-tailor-k="\(k)" data-tailor-template="#product-card"\(attributes)>\(fallback)</div></section>
        """
    }

    func categoryLink(_ category: StorefrontCatalog.Category) -> String {
        "<a data-category=\"\(StorefrontHTML.escape(category.slug))\" href=\"/c/\(StorefrontHTML.escape(category.slug))\">\(StorefrontHTML.escape(category.name))</a>"
    }

    // MARK: Pages

    func home() -> String {
        let departments = catalog.departments.map { department in
            "<li><strong>\(StorefrontHTML.escape(department.name))</strong>: \(department.categories.map(categoryLink).joined(separator: " · "))</li>"
        }.joined(separator: "\n")
        return page("Home", """
            <h1>Welcome to the Tailor demo shop</h1>
            \(placement(.homeForYou, heading: "Recommended for you", k: 8))
            <section><h2>Shop by category</h2><ul class="departments">
            \(departments)
            </ul></section>
            """)
    }

    /// The products of a leaf category, most popular first; nil for an unknown one.
    func category(slug: String) -> String? {
        guard let category = catalog.category(slug: slug) else { return nil }
        let shown = category.products.prefix(Self.categoryPageSize).map { card(catalog.products[$0]) }.joined()
        return page(category.name, """
            <nav class="crumbs">\(StorefrontHTML.escape(category.path))</nav>
            <h1>\(StorefrontHTML.escape(category.name))</h1>
            <p class="count">\(min(category.products.count, Self.categoryPageSize)) of \(category.products.count) products, the most popular first.</p>
            <div class="grid">\(shown)</div>
            """)
    }

    func notFound(_ what: String) -> String {
        page("Not found", "<h1>Not found</h1><p>\(StorefrontHTML.escape(what))</p><p><a href=\"/\">Back to the shop</a></p>")
    }
}
