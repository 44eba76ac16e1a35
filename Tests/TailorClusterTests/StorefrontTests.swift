import Foundation
import Testing
import TailorDemo
import TailorModel
@testable import TailorCommands

/// The demo storefront's pages and its checkout, without a server: what a shopper's
/// browser receives and what the shop's backend sends to the gateway.
@Suite("demo storefront")
struct StorefrontTests {
    static let catalog = StorefrontCatalog(shop: DemoShop(configuration: .small))
    static let site = StorefrontPages.Site(api: "http://127.0.0.1:8080", publicKey: "tk_public_abc")

    @Test("a product page loads tailor.js from the gateway with the public key and asks for similar products of that product")
    func productPage() throws {
        let pages = StorefrontPages(catalog: Self.catalog, site: Self.site)
        let product = Self.catalog.products[42]
        let html = try #require(pages.product(id: product.id))
        #expect(html.contains(#"<script src="http://127.0.0.1:8080/sdk/tailor.js" data-key="tk_public_abc""#))
        #expect(html.contains(#"data-tailor-placement="product_similar""#))
        #expect(html.contains(#"data-tailor-product="\#(product.id)""#))
        #expect(html.contains(#"<button id="add-to-cart""#))
        #expect(html.contains(#"<label for="shopper">"#) && html.contains(#"<select id="shopper">"#))
        #expect(html.contains(StorefrontHTML.escape(product.title)))
        #expect(html.contains(StorefrontHTML.price(product.price)))
        #expect(pages.product(id: "no-such-product") == nil)
    }

    @Test("in open mode the snippet tag carries no key")
    func openMode() {
        let pages = StorefrontPages(catalog: Self.catalog, site: .init(api: "http://127.0.0.1:8080", publicKey: nil))
        #expect(pages.home().contains(#"<script src="http://127.0.0.1:8080/sdk/tailor.js" data-product-url"#))
        #expect(!pages.home().contains("data-key"))
    }

    @Test("every page's placements and links carry the hooks: data-tailor-placement, data-category, data-product-link")
    func hooks() throws {
        let pages = StorefrontPages(catalog: Self.catalog, site: Self.site)
        let home = pages.home()
        #expect(home.contains(#"data-tailor-placement="home_for_you""#))
        #expect(home.contains(#"<a data-category=""#))
        let category = try #require(Self.catalog.categories.first)
        #expect(try #require(pages.category(slug: category.slug)).contains(#"<a data-product-link=""#))
        let cart = pages.cart()
        for placement in ["cart_addons", "checkout_offer"] { #expect(cart.contains(#"data-tailor-placement="\#(placement)""#)) }
        #expect(cart.contains(#"<button id="place-order""#))
        // The demo's first shoppers, with history in the cluster, are offered by the switcher.
        #expect(home.contains(#"<option value="u00000">"#) && home.contains(#"<option value="u00004">"#))
    }

    @Test("text from the catalog and the URL is HTML-escaped")
    func escaping() throws {
        let pages = StorefrontPages(catalog: Self.catalog, site: Self.site)
        let hostile = Product(id: "p\"1", title: "<script>alert('x')</script> & co", categoryPath: ["A"], price: 1, version: 1)
        let card = pages.card(hostile)
        #expect(!card.contains("<script>") && card.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"))
        #expect(card.contains(#"data-product-link="p&quot;1""#))
        let search = pages.search(query: #"<img src=x onerror="alert(1)">"#)
        #expect(!search.contains("<img src=x"))
        #expect(search.contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"))
    }

    @Test("search sends the matching products as candidates to search_rerank, in a JSON attribute")
    func search() throws {
        let pages = StorefrontPages(catalog: Self.catalog, site: Self.site)
        let word = try #require(Self.catalog.products[7].title.split(separator: " ").last).lowercased()
        let matches = Self.catalog.search(word, limit: StorefrontPages.searchCandidates)
        #expect(!matches.isEmpty && matches.allSatisfy { $0.title.lowercased().contains(word) || $0.category.lowercased().contains(word) || ($0.brand ?? "").lowercased().contains(word) })
        let html = pages.search(query: word)
        #expect(html.contains(#"data-tailor-placement="search_rerank""#))
        #expect(html.contains("&quot;candidates&quot;:[&quot;\(matches[0].id)&quot;"))
        #expect(html.contains("&quot;query&quot;:&quot;\(word)&quot;"))
    }

    @Test("checkout turns the posted cart into purchase events at catalog prices, each carrying its line's recommendation id")
    func checkoutEvents() throws {
        let products = Array(Self.catalog.products.prefix(2))
        let cart = #"[{"product":"\#(products[0].id)","quantity":2,"recommendationId":"rec-1"},{"product":"\#(products[1].id)","price":0.01}]"#
        let body = "cart=" + cart.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&user=u00003&session=s-9"
        let form = try StorefrontCheckout.form(body)
        #expect(form.user == "u00003" && form.session == "s-9")
        let (order, events) = try StorefrontCheckout.order(number: 1001, run: "r1", form: form, catalog: Self.catalog)
        #expect(order.number == 1001 && order.lines.count == 2)
        #expect(events.map(\.type) == [.purchase, .purchase])
        #expect(events.map(\.id) == ["order-r1-1001-1", "order-r1-1001-2"])
        #expect(events.map(\.shopper) == ["u00003", "u00003"] && events.allSatisfy { $0.session == "s-9" })
        #expect(events.map(\.product) == products.map(\.id))
        #expect(events.map(\.quantity) == [2, 1])
        #expect(events.map(\.price) == products.map(\.price), "the catalog's price, not the form's")
        #expect(events.map(\.recommendationId) == ["rec-1", nil])
        try EventBatch(events: events).validate(now: Date())
    }

    @Test("checkout refuses a cart it cannot sell, naming the field")
    func checkoutRefusals() throws {
        let known = Self.catalog.products[0].id
        func refusal(_ cart: String, user: String = "u1") -> String? {
            do {
                let form = try StorefrontCheckout.form("cart=\(cart.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&user=\(user)")
                _ = try StorefrontCheckout.order(number: 1, run: "r", form: form, catalog: Self.catalog)
                return nil
            } catch {
                return error.field
            }
        }
        #expect(refusal("[]") == "cart")
        #expect(refusal("not json") == "cart")
        #expect(refusal(#"[{"product":"\#(known)"},{"product":"nope"}]"#) == "cart[1].product")
        #expect(refusal(#"[{"product":"\#(known)","quantity":0}]"#) == "cart[0].quantity")
        #expect(refusal(#"[{"product":"\#(known)"}]"#, user: "") == "user")
        #expect(refusal(#"[{"product":"\#(known)"}]"#) == nil)
    }

    @Test("form fields: + is a space, percent-escapes are decoded")
    func formFields() {
        #expect(StorefrontHTML.formFields("q=running+shoes&x=%3Ca%3E&empty=") == ["q": "running shoes", "x": "<a>", "empty": ""])
        #expect(StorefrontHTML.formFields("q=%zz") == nil)
    }
}
