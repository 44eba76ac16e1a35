import ArgumentParser
import Foundation
import NIOHTTP1
import TailorClient
import TailorDemo
import TailorModel
import TailorSettings

/// `tailor-lab simulate`: a simulated storefront for the outcome loop. The demo
/// shop's shoppers visit, see the gateway's recommendations and click, add to cart
/// and buy by their own hidden tastes and budgets (``StorefrontModel``), and the
/// storefront reports impressions, clicks, adds to cart and purchases with the
/// answers' recommendation ids, so experiments and bandits have outcomes to learn from.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "A simulated storefront: demo shoppers react to recommendations by their own hidden tastes; reports outcomes per placement and variant.",
        discussion: """
            Each visit is a demo shopper (Zipf or uniform over the demo's shoppers), a session, a \
            device (mobile 60 %, desktop 40 %) and a source (ads 25 %, email 15 %, direct 35 %, search \
            25 %). Pages: home (home_for_you), a product page of one of the shopper's tastes \
            (product_similar, with a view of the product), and after an add to cart the cart \
            (cart_addons). Every answer is reported as an impression with the ids shown.

            The shopper's choices come from the demo's hidden facts only, never from Tailor's \
            scores, signals or reasons: the item at position p is clicked with probability \
            0.25 × affinity × 1/log2(1+p), affinity 1 for the first taste's leaf, 0.6 for another \
            taste, 0.25 for the same department, 0.05 otherwise, × 1.5 for the favourite brand; a \
            click goes to the cart with probability 0.35 up to the shopper's budget (the leaf's \
            median price × 0.9, 1.25 or 2.0 by price level) and 0.35 × (budget/price)^3 above it; \
            an item in the cart is bought with probability 0.5, two units one time in ten, at its \
            catalog price. Cheap products convert more but budget brands leave small margins, so \
            a margin strategy and a conversion strategy differ in both.

            The report counts, per placement and per experiment variant, requests, impressions, \
            clicks, adds to cart, purchases, revenue and margin from the simulator's own ground \
            truth; for variants also the share of answers in each tenth of the run. Events the \
            gateway refuses are counted and the first few shown. Purchases need a private or admin \
            key (or an open gateway such as `tailor local`).
            """
    )

    @Option(help: "The gateway, http://host:port.")
    var gateway = "http://127.0.0.1:8080"

    @Option(help: "Visits started per second.")
    var rate: Double = 10

    @Option(help: "How long to start visits: 60, 30s, 2m.")
    var duration = "60s"

    @Option(help: "Start exactly this many visits instead (at --rate).")
    var visits: Int?

    @Option(help: "Seed of the visits and the shoppers' choices: the same seed, the same answers → the same outcomes.")
    var seed: UInt64 = 1

    @Option(help: "Visits in flight at most.")
    var concurrency = 16

    @Option(help: "Which demo shoppers visit: zipf (a few often) or uniform.")
    var shoppers: StorefrontModel.ShopperChoice = .zipf

    @Option(help: "The placements the storefront asks for, comma-separated.")
    var placements = "home_for_you,product_similar,cart_addons"

    @Option(help: "Items per answer (the gateway's default when missing).")
    var k: Int?

    @Option(help: "A strategy to ask for on every request (conversion, margin, stock); an experiment's variants set their own.")
    var strategy: Strategy?

    @Option(help: "An experiment definition (JSON) to PUT before the run; needs --experiment-id.")
    var experiment: String?

    @Option(help: "The id to PUT --experiment under: PUT /v1/experiments/{id}.")
    var experimentId: String?

    @Option(help: "Shoppers in the demo shop the gateway serves (default 50,000).")
    var demoShoppers: Int = DemoIDs.standardShopperCount

    @Option(help: "Products in the demo shop the gateway serves (default 20,000).")
    var demoProducts: Int = DemoIDs.standardProductCount

    @Option(help: "A file holding the API key (Authorization: Bearer); or set TAILOR_API_KEY. Purchases need a private or admin key.")
    var apiKeyFile: String?

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    func validate() throws {
        guard GatewayAddress(gateway) != nil else { throw ValidationError("--gateway must look like http://host:port") }
        guard rate > 0, rate <= 100_000 else { throw ValidationError("--rate must be more than 0 and at most 100000") }
        guard let duration = DurationText.parse(duration), duration > .zero else { throw ValidationError("--duration must look like 60, 30s or 2m") }
        if let visits, visits < 1 { throw ValidationError("--visits must be at least 1") }
        guard (1...10_000).contains(concurrency) else { throw ValidationError("--concurrency must be 1...10000") }
        guard Self.placements(placements) != nil else {
            throw ValidationError("--placements must be a comma-separated list of home_for_you, product_similar, cart_addons")
        }
        if let k, !(1...Limits.maximumK).contains(k) { throw ValidationError("--k must be 1...\(Limits.maximumK)") }
        guard (experiment == nil) == (experimentId == nil) else { throw ValidationError("--experiment and --experiment-id go together") }
        guard DemoShop.Configuration.allowedCounts.contains(demoShoppers), DemoShop.Configuration.allowedCounts.contains(demoProducts) else {
            throw ValidationError("--demo-shoppers and --demo-products must be within \(DemoShop.Configuration.allowedCounts)")
        }
    }

    /// The placements a storefront page asks for; nil for anything else.
    static func placements(_ text: String) -> Set<Placement>? {
        let simulated: Set<Placement> = [.homeForYou, .productSimilar, .cartAddons]
        let parsed = text.split(separator: ",").map { Placement(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0.map(simulated.contains) ?? false }) else { return nil }
        return Set(parsed.compactMap { $0 })
    }

    /// How many visits the run starts.
    var visitCount: Int {
        visits ?? max(1, Int((rate * DurationText.seconds(DurationText.parse(duration)!)).rounded()))
    }

    func run() async throws {
        let client = PublicAPIClient(gateway: GatewayAddress(gateway)!).authorized(try APIKeyOption.read(file: apiKeyFile))
        guard await client.status(of: "/readyz") != nil else { throw ClientError("cannot reach \(gateway)") }
        if let experiment, let experimentId { try await putExperiment(file: experiment, id: experimentId, client: client) }

        let shop = DemoShop(configuration: .init(productCount: demoProducts, shopperCount: demoShoppers))
        let setting = StorefrontVisit.Setting(
            model: StorefrontModel(shop: shop, shoppers: shoppers), client: client, placements: Self.placements(placements)!,
            k: k, strategy: strategy, seed: seed, runID: String(UInt32.random(in: .min ... .max), radix: 36)
        )
        let run = SimulateRun(setting: setting, rate: rate, visits: visitCount, concurrency: concurrency)
        say("simulate: \(visitCount) visits at \(String(format: "%g", rate))/s against \(gateway), seed \(seed)…")
        let (tally, seconds) = await run.run { started, total in say("simulate: \(started) of \(total) visits started…") }

        let report = SimulationReport(
            gateway: gateway, seed: seed, rate: rate, seconds: seconds, concurrency: concurrency,
            strategy: strategy?.rawValue, experiment: experimentId, tally: tally
        )
        print(report.text)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    private func putExperiment(file: String, id: String, client: PublicAPIClient) async throws {
        let body: String
        do { body = try String(contentsOfFile: file, encoding: .utf8) } catch { throw ClientError("--experiment: cannot read '\(file)': \(error.localizedDescription)") }
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/"))) ?? id
        let (status, answer) = try await client.send(.PUT, "/v1/experiments/\(escaped)", json: body)
        guard (200..<300).contains(status) else {
            say("simulate: PUT /v1/experiments/\(id) answered \(status): \(String(decoding: answer, as: UTF8.self))")
            throw ExitCode.failure
        }
        say("simulate: experiment \(id) is in place (\(status)).")
    }

    private func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

extension StorefrontModel.ShopperChoice: ExpressibleByArgument {}
extension Strategy: ExpressibleByArgument {}
