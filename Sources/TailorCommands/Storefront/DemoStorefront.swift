import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import Synchronization
import TailorClient
import TailorDemo
import TailorModel
import TailorProcess

/// The demo shop's own website, which `tailor local` serves on a port of its own: a
/// different origin from the gateway, so tailor.js runs there as it would on a real
/// shop's pages (cross-origin, with the public key), and its "Place order" goes
/// through this server to the gateway with the private key, as a shop's backend would.
final class DemoStorefront: Sendable {
    let host: String
    let port: Int
    let catalog: StorefrontCatalog
    /// The public API's base URL: the snippet's origin and where orders are sent.
    let api: String
    private let gateway: PublicAPIClient
    /// In every purchase id, so that orders of two runs never share an id.
    private let run = String(UInt32.random(in: 0 ... .max), radix: 36)
    private let state = Mutex(State())
    private let listening: AsyncStream<String?>
    private let listened: AsyncStream<String?>.Continuation

    private struct State {
        var publicKey: String?
        var privateKey: String?
        var nextOrder = 1001
        var orders: [Int: StorefrontOrder] = [:]
    }

    /// Orders kept for their thank-you page.
    static let keptOrders = 200

    init(shop: DemoShop, host: String, port: Int, api: GatewayAddress) {
        self.host = host
        self.port = port
        catalog = StorefrontCatalog(shop: shop)
        self.api = "http://\(api.host):\(api.port)"
        var gateway = PublicAPIClient(gateway: api)
        gateway.timeout = .seconds(10)
        self.gateway = gateway
        (listening, listened) = AsyncStream.makeStream(of: String?.self)
    }

    var url: String { "http://\(host):\(port)/" }

    /// The origins the storefront's pages load from, for the public key's allowed origins.
    var origins: [String] {
        var origins = ["http://\(host):\(port)"]
        for name in ["127.0.0.1", "localhost"] where name != host { origins.append("http://\(name):\(port)") }
        return origins
    }

    /// The keys the pages (public) and the checkout (private) send; none in open mode.
    func use(publicKey: String?, privateKey: String?) {
        state.withLock { $0.publicKey = publicKey; $0.privateKey = privateKey }
    }

    var pages: StorefrontPages {
        StorefrontPages(catalog: catalog, site: .init(api: api, publicKey: state.withLock(\.publicKey)))
    }

    /// Nil once the storefront listens; else why it could not (`tailor local` carries on without it).
    func waitUntilListening() async -> String? {
        for await failure in listening { return failure }
        return "stopped"
    }

    /// Serves until the task is cancelled. A port it cannot take is reported through
    /// ``waitUntilListening()``; then it waits for the cancellation like a running one.
    func run() async {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "tailor-demo-storefront"),
            onServerRunning: { [listened] _ in listened.yield(nil) },
            logger: { var logger = Logger(label: "tailor.storefront"); logger.logLevel = .warning; return logger }()
        )
        do {
            try await app.run()
        } catch {
            listened.yield("\(error)")
        }
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3_600)) }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in Self.html(self.pages.home()) }
        router.get("/c/:slug") { _, context in
            let slug = context.parameters.get("slug") ?? ""
            return Self.html(self.pages.category(slug: slug), else: self.pages.notFound("No category '\(slug)'."))
        }
        router.get("/p/:id") { _, context in
            let id = context.parameters.get("id")?.removingPercentEncoding ?? ""
            return Self.html(self.pages.product(id: id), else: self.pages.notFound("No product '\(id)'."))
        }
        router.get("/cart") { _, _ in Self.html(self.pages.cart()) }
        router.get("/search") { request, _ in
            let query = StorefrontHTML.formFields(request.uri.query ?? "")?["q"] ?? ""
            return Self.html(self.pages.search(query: String(query.prefix(Limits.maximumQueryBytes))))
        }
        router.get("/order/:number") { _, context in
            let number = context.parameters.get("number").flatMap(Int.init)
            let order = number.flatMap { number in self.state.withLock { $0.orders[number] } }
            return Self.html(order.map(self.pages.order), else: self.pages.notFound("No order \(number.map(String.init) ?? "") (orders are kept in memory while tailor local runs)."))
        }
        router.post("/checkout") { request, _ in
            let body = try await request.body.collect(upTo: StorefrontCheckout.maximumFormBytes)
            return await self.checkout(String(buffer: body))
        }
        router.get("/shop.css") { _, _ in Self.asset(StorefrontAssets.css, type: "text/css; charset=utf-8") }
        router.get("/shop.js") { _, _ in Self.asset(StorefrontAssets.script, type: "text/javascript; charset=utf-8") }
        return router
    }

    /// Places the posted order: the purchases go to the public API with the private key,
    /// then the shopper is sent to the order's page (303).
    func checkout(_ body: String) async -> Response {
        let placed: (order: StorefrontOrder, events: [ShopperEvent])
        do {
            let form = try StorefrontCheckout.form(body)
            let number = state.withLock { state in
                defer { state.nextOrder += 1 }
                return state.nextOrder
            }
            placed = try StorefrontCheckout.order(number: number, run: run, form: form, catalog: catalog)
        } catch {
            return Self.html(pages.notFound("The order was refused: \(error)."), status: .badRequest)
        }
        if let problem = await send(placed.events) {
            return Self.html(pages.notFound("The public API did not take the order (your cart is kept): \(problem)"), status: .badGateway)
        }
        state.withLock { state in
            state.orders[placed.order.number] = placed.order
            state.orders[placed.order.number - Self.keptOrders] = nil
        }
        return Response(status: .seeOther, headers: [.location: "/order/\(placed.order.number)"])
    }

    /// Sends the purchases; nil when the API took them, else its answer. A cart line may
    /// carry a recommendation id of an earlier run (another cluster secret), which the API
    /// refuses: the purchases are then sent once more without the ids.
    private func send(_ events: [ShopperEvent]) async -> String? {
        let client = gateway.authorized(state.withLock(\.privateKey))
        do {
            var (status, data) = try await client.send(.POST, "/v1/events", EventBatch(events: events))
            if status == 400, String(decoding: data, as: UTF8.self).contains("recommendationId") {
                let plain = events.map { var event = $0; event.recommendationId = nil; return event }
                (status, data) = try await client.send(.POST, "/v1/events", EventBatch(events: plain))
            }
            return status == 200 ? nil : "\(status) \(String(decoding: data.prefix(500), as: UTF8.self))"
        } catch {
            return "\(error)"
        }
    }

    private static func html(_ page: String?, else missing: @autoclosure () -> String = "", status: HTTPResponse.Status = .ok) -> Response {
        let (status, text) = page.map { (status, $0) } ?? (.notFound, missing())
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
