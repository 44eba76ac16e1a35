import ArgumentParser
import Foundation
import TailorClient
import TailorDemo
import TailorModel
import TailorSettings
import TailorEval

/// `tailor demo-load`: writes the built-in demo shop into a running cluster through
/// its public API — the catalog, the stock, then every simulated shopper's events
/// (the last 30 days, ending now). The compose cluster's one-shot loader; any
/// cluster started empty can be given the demo this way. Event ids are the demo's
/// own, so running it twice stores each event once.
struct DemoLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-load",
        abstract: "Write the built-in demo shop (products, stock, shopper events) into a running cluster through its public API."
    )

    @Option(help: "The gateway's public URL.")
    var gateway = "http://127.0.0.1:8080"

    @Flag(help: "The small demo shop (2,000 products, 3,000 shoppers) instead of the standard one (20,000 products, 50,000 shoppers).")
    var small = false

    @Option(help: "Seconds to wait for the gateway to be ready before giving up.")
    var waitSeconds = 300

    @Option(help: "A file holding the key to write with (a private or admin key); or set TAILOR_API_KEY. None: the gateway must be open.")
    var apiKeyFile: String?

    @OptionGroup var settings: SettingsOptions

    func validate() throws {
        guard PublicAPIClient(gateway: gateway) != nil else {
            throw ValidationError("--gateway: '\(gateway)' is not an http URL (http://host[:port])")
        }
        guard (0...3_600).contains(waitSeconds) else { throw ValidationError("--wait-seconds must be 0...3600") }
    }

    func run() async throws {
        let client = PublicAPIClient(gateway: gateway)!.authorized(try APIKeyOption.read(file: apiKeyFile))
        try await client.waitUntilReady(timeout: .seconds(waitSeconds))
        let started = ContinuousClock.now
        let shop = DemoShop(configuration: small ? .small : .standard)
        try await client.writeProducts(shop.products)
        try await client.writeStock(shop.stock)
        print("demo-load: \(shop.products.count) products and \(shop.stock.count) stock levels written")
        let end = Int64(Date().timeIntervalSince1970 * 1000)
        var pending: [ShopperEvent] = []
        var written = 0
        // A few thousand events at a time: the whole history is not held at once.
        for index in 0..<shop.configuration.shopperCount {
            pending += shop.events(ofShopper: index, endingAtMillis: end).map(Self.apiEvent)
            if pending.count >= 5_000 {
                try await client.writeEvents(pending)
                written += pending.count
                pending.removeAll(keepingCapacity: true)
            }
        }
        try await client.writeEvents(pending)
        written += pending.count
        let seconds = Evaluation.seconds(.now - started)
        print("demo-load: \(written) events of \(shop.configuration.shopperCount) shoppers written in \(String(format: "%.1f", seconds)) s")
    }

    /// A stored demo event as a shop would send it: ids only, the gateway enriches them.
    static func apiEvent(_ event: StoredEvent) -> ShopperEvent {
        ShopperEvent(
            id: event.id, type: event.type, shopper: event.shopper, session: event.session,
            products: event.products.isEmpty ? nil : event.products.map(\.id),
            quantity: event.quantity == 1 ? nil : event.quantity, query: event.query.isEmpty ? nil : event.query,
            at: Date(timeIntervalSince1970: Double(event.atMillis) / 1000)
        )
    }
}

