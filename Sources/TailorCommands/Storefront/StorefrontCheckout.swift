import Foundation
import TailorModel

/// "Place order": the cart page posts its form to the storefront's server, which sends
/// the purchases to the gateway with the private key, as a shop's backend would (a
/// page's public key may not report purchases). Prices come from the catalog, never
/// from the form; each line keeps the recommendation it was added from, so the outcome
/// loop attributes the purchase to it.
enum StorefrontCheckout {
    /// One line of the cart as the page keeps it (localStorage) and posts it.
    struct CartLine: Codable, Sendable, Hashable {
        var product: String
        var quantity: Int?
        var recommendationId: String?
    }

    /// The posted form: `cart` (the lines as JSON), `user`, `session`.
    struct Form: Sendable, Hashable {
        var user: String
        var session: String?
        var lines: [CartLine]
    }

    /// A form the storefront cannot turn into an order: the field and why.
    struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        var field: String
        var problem: String
        var description: String { "\(field) \(problem)" }
    }

    static let maximumLines = Limits.maximumCartItems
    static let maximumQuantity = 99
    /// The posted form's size limit.
    static let maximumFormBytes = 256 * 1024

    /// Reads an `application/x-www-form-urlencoded` body.
    static func form(_ body: String) throws(Refusal) -> Form {
        guard let fields = StorefrontHTML.formFields(body) else {
            throw Refusal(field: "form", problem: "is not valid percent-encoding")
        }
        guard let user = fields["user"], !user.isEmpty, user.utf8.count <= Limits.maximumIDBytes else {
            throw Refusal(field: "user", problem: "must name the shopper (1 to \(Limits.maximumIDBytes) bytes)")
        }
        guard let cart = fields["cart"], let lines = try? JSONDecoder().decode([CartLine].self, from: Data(cart.utf8)) else {
            throw Refusal(field: "cart", problem: "must be the cart's lines as JSON: [{\"product\":…,\"quantity\":…}]")
        }
        let session = fields["session"].flatMap { $0.isEmpty ? nil : $0 }
        return Form(user: user, session: session, lines: lines)
    }

    /// The order numbered `number` and its purchase events (one a line, id
    /// `order-<run>-<number>-<line>` so that a resent order is stored once).
    static func order(
        number: Int, run: String, form: Form, catalog: StorefrontCatalog
    ) throws(Refusal) -> (order: StorefrontOrder, events: [ShopperEvent]) {
        guard (1...maximumLines).contains(form.lines.count) else {
            throw Refusal(field: "cart", problem: "must hold 1 to \(maximumLines) lines")
        }
        var lines = [StorefrontOrder.Line]()
        var events = [ShopperEvent]()
        for (index, line) in form.lines.enumerated() {
            guard let product = catalog.product(line.product) else {
                throw Refusal(field: "cart[\(index)].product", problem: "'\(line.product)' is not a product of the demo shop")
            }
            let quantity = line.quantity ?? 1
            guard (1...maximumQuantity).contains(quantity) else {
                throw Refusal(field: "cart[\(index)].quantity", problem: "must be between 1 and \(maximumQuantity)")
            }
            let recommendationId = line.recommendationId.flatMap { $0.isEmpty ? nil : $0 }
            lines.append(.init(product: product, quantity: quantity, recommendationId: recommendationId))
            events.append(ShopperEvent(
                id: "order-\(run)-\(number)-\(index + 1)", type: .purchase, shopper: form.user, session: form.session,
                product: product.id, quantity: quantity, price: product.price, recommendationId: recommendationId
            ))
        }
        return (StorefrontOrder(number: number, user: form.user, lines: lines), events)
    }
}
