import Foundation
import NIOHTTP1
import TailorClient
import Synchronization

/// What the clients did during a scenario: every write batch (its events, when it was
/// first sent, how its first attempt ended, whether a retry got it acknowledged), every
/// recommendation (when, status, latency, coverage, the products in it), and every
/// product whose stock the clients set to 0 (and when the gateway acknowledged that).
struct ChaosHistory: Sendable {
    struct Write: Sendable {
        var ids: [String]
        var shopper: String
        /// The counter product the batch's first event views (``ChaosLoad/counterProducts``).
        var counterProduct: String
        var at: Double
        var firstStatus: Int
        var attempts: Int
        var acknowledged: Bool
        /// The batch's events of the outcome loop (impressions, clicks, carts, purchases), as sent.
        var outcomeEvents: [OutcomeEvent] = []
    }

    /// One event of the outcome loop as the clients sent it, with the time they gave it.
    struct OutcomeEvent: Sendable {
        var id: String
        var type: String
        var shopper: String
        var products: [String]
        var recommendationID: String
        var atMillis: Int64
        var quantity: Int
        var price: Double?
    }

    struct Read: Sendable {
        var at: Double
        var status: Int
        var milliseconds: Double
        var fullCoverage: Bool
        var products: [String]
        /// Why the answer was degraded (the gateway's `coverage.reasons`).
        var reasons: [String]
        /// The answer's `recommendationId` (empty when there was no answer).
        var recommendationID: String = ""
    }

    struct StockOut: Sendable {
        var product: String
        /// When the gateway acknowledged the stock level 0 (load clock, s).
        var acknowledgedAt: Double
    }

    var writes: [Write] = []
    var reads: [Read] = []
    var stockOuts: [StockOut] = []
}

/// Clients at a fixed rate, whatever the answers do: `writesPerSecond` batches of 5
/// events (unique ids, one of 50 shoppers each; the first event views one of the
/// counter products; once recommendations have answered, the next ones close the
/// outcome loop on the latest answer: its impression, a click or an add-to-cart, and
/// every fourth batch a purchase, with explicit times), `readsPerSecond`
/// recommendations, and every 2 s the stock of the product recommended most in the
/// last 2 s set to 0.
///
/// A batch that is not acknowledged is retried with the same ids every 500 ms (what a
/// shop's client does; retries are idempotent) until acknowledged or the load drains.
final class ChaosLoad: Sendable {
    let api: PublicAPIClient
    let writesPerSecond: Double
    let readsPerSecond: Double
    let started = ContinuousClock.now
    private let history = Mutex(ChaosHistory())
    /// Set once the load stops: pending retries make a last attempt each, then give up.
    private let draining = Atomic(false)

    /// Products only these clients view, so their popularity counters must equal the
    /// number of distinct events that viewed them.
    static let counterProducts = (0..<10).map { "chaos-c\($0)" }

    init(api: PublicAPIClient, writesPerSecond: Double = 20, readsPerSecond: Double = 20) {
        self.api = api
        self.writesPerSecond = writesPerSecond
        self.readsPerSecond = readsPerSecond
    }

    /// Seconds since the load started.
    var now: Double { Self.seconds(ContinuousClock.now - started) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    var recorded: ChaosHistory { history.withLock { $0 } }

    /// Puts the counter products in the catalog (before any fault).
    func prepare() async throws {
        let products = Self.counterProducts.map {
            #"{"id":"\#($0)","title":"Chaos counter \#($0)","categoryPath":["Chaos"],"price":1,"version":1}"#
        }
        let (status, body) = try await api.send(.PUT, "/v1/products", json: #"{"products":[\#(products.joined(separator: ","))]}"#)
        guard status == 200 else { throw ChaosError("could not add the counter products: \(status) \(String(decoding: body, as: UTF8.self))") }
    }

    /// Runs until cancelled; then gives every unacknowledged batch one last try.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.schedule(rate: self.writesPerSecond) { number in await self.write(number) } }
            group.addTask { await self.schedule(rate: self.readsPerSecond) { number in await self.read(number) } }
            group.addTask { await self.stockOuts() }
        }
    }

    /// Stops new requests (the caller cancels ``run()``) and lets retries make their last attempt.
    func drain() { draining.store(true, ordering: .relaxed) }

    private func schedule(rate: Double, _ send: @escaping @Sendable (Int) async -> Void) async {
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        var next = ContinuousClock.now
        var number = 0
        await withTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                number += 1
                let current = number
                // Unstructured, so that cancelling the schedule does not cancel a retry in flight.
                group.addTask { await Task { await send(current) }.value }
                next += interval
                do { try await Task.sleep(until: next, clock: .continuous) } catch { break }
            }
        }
    }

    private func write(_ number: Int) async {
        let shopper = "chaos-\(number % 50)"
        let ids = (0..<5).map { "w\(number)-\($0)" }
        let counter = Self.counterProducts[number % Self.counterProducts.count]
        let outcomes = outcomeEvents(number, shopper: shopper, ids: Array(ids[1...3]))
        let events = ids.enumerated().map { index, id in
            if let outcome = outcomes.first(where: { $0.id == id }) { return Self.json(outcome) }
            let product = index == 0 ? counter : "p\(String(format: "%05d", (number * 7 + index) % 2000))"
            return #"{"id":"\#(id)","type":"view","user":"\#(shopper)","product":"\#(product)"}"#
        }
        let body = #"{"events":[\#(events.joined(separator: ","))]}"#
        let at = now
        var status = await post("/v1/events", body)
        let firstStatus = status
        var attempts = 1
        while status != 200, !draining.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(500))
            status = await post("/v1/events", body)
            attempts += 1
        }
        if status != 200 {
            status = await post("/v1/events", body)
            attempts += 1
        }
        history.withLock {
            $0.writes.append(.init(
                ids: ids, shopper: shopper, counterProduct: counter, at: at, firstStatus: firstStatus, attempts: attempts,
                acknowledged: status == 200, outcomeEvents: outcomes
            ))
        }
    }

    /// The outcome loop's events of batch `number` on the latest answered recommendation:
    /// its impression, then a click (even batches) or an add-to-cart, then on every
    /// fourth batch a purchase of the first item shown (every eighth naming the
    /// recommendation itself, the others left to click- or view-through attribution).
    private func outcomeEvents(_ number: Int, shopper: String, ids: [String]) -> [ChaosHistory.OutcomeEvent] {
        guard let shown = history.withLock({ $0.reads.last { !$0.recommendationID.isEmpty && !$0.products.isEmpty } }) else { return [] }
        let atMillis = Int64(Date().timeIntervalSince1970 * 1000)
        // Never a counter product: their popularity must count their views alone.
        guard let item = shown.products.first(where: { !Self.counterProducts.contains($0) }) else { return [] }
        func event(_ index: Int, _ type: String, _ products: [String], recommendation: String = shown.recommendationID, quantity: Int = 1, price: Double? = nil) -> ChaosHistory.OutcomeEvent {
            ChaosHistory.OutcomeEvent(
                id: ids[index], type: type, shopper: shopper, products: products, recommendationID: recommendation,
                atMillis: atMillis + Int64(index), quantity: quantity, price: price
            )
        }
        var events = [
            event(0, "impression", shown.products),
            number % 2 == 0 ? event(1, "click", [item]) : event(1, "add_to_cart", [item]),
        ]
        if number % 4 == 0 {
            events.append(event(2, "purchase", [item], recommendation: number % 8 == 0 ? shown.recommendationID : "", quantity: 1 + number % 3, price: 10.5))
        }
        return events
    }

    private static func json(_ event: ChaosHistory.OutcomeEvent) -> String {
        let at = Date(timeIntervalSince1970: Double(event.atMillis) / 1000).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        var fields = [
            #""id":"\#(event.id)""#, #""type":"\#(event.type)""#, #""user":"\#(event.shopper)""#, #""at":"\#(at)""#,
            #""products":[\#(event.products.map { #""\#($0)""# }.joined(separator: ","))]"#, #""quantity":\#(event.quantity)"#,
        ]
        if !event.recommendationID.isEmpty { fields.append(#""recommendationId":"\#(event.recommendationID)""#) }
        if let price = event.price { fields.append(#""price":\#(price)"#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    private func post(_ path: String, _ body: String) async -> Int {
        (try? await api.send(.POST, path, json: body).status) ?? 0
    }

    private func read(_ number: Int) async {
        let at = now
        let sent = ContinuousClock.now
        var status = 0
        var full = false
        var products: [String] = []
        var reasons: [String] = []
        var recommendationID = ""
        if let (code, data) = try? await api.send(
            .POST, "/v1/recommendations", json: #"{"user":"u\#(String(format: "%05d", number % 3000))","placement":"home_for_you"}"#
        ) {
            status = code
            if let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
                if let coverage = answer["coverage"] as? [String: Any] {
                    full = (coverage["degraded"] as? Bool) == false
                    reasons = coverage["reasons"] as? [String] ?? []
                }
                products = (answer["items"] as? [[String: Any]] ?? []).compactMap { $0["product"] as? String }
                recommendationID = answer["recommendationId"] as? String ?? ""
            }
        }
        let milliseconds = Self.seconds(ContinuousClock.now - sent) * 1000
        history.withLock {
            $0.reads.append(.init(
                at: at, status: status, milliseconds: milliseconds, fullCoverage: full, products: products, reasons: reasons,
                recommendationID: recommendationID
            ))
        }
    }

    /// Every 2 s, the product recommended most in the last 2 s (and not yet out) goes out of stock.
    private func stockOuts() async {
        var out = Set<String>()
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(2)) } catch { return }
            let since = now - 2
            let recent = history.withLock { $0.reads.filter { $0.at >= since }.flatMap(\.products) }
            var tally: [String: Int] = [:]
            for product in recent where !out.contains(product) { tally[product, default: 0] += 1 }
            guard let product = tally.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { continue }
            let version = Int64(Date().timeIntervalSince1970 * 1000)
            let body = #"{"stock":[{"product":"\#(product)","quantity":0,"version":\#(version)}]}"#
            // Retried until acknowledged: only then must the gateway stop recommending it.
            for _ in 0..<20 where !Task.isCancelled {
                if (try? await api.send(.PUT, "/v1/inventory", json: body).status) == 200 {
                    out.insert(product)
                    let acknowledgedAt = now
                    history.withLock { $0.stockOuts.append(.init(product: product, acknowledgedAt: acknowledgedAt)) }
                    break
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}
