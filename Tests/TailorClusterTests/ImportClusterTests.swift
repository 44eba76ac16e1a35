import Foundation
import NIOHTTP1
import Synchronization
import Testing
@testable import TailorCommands
import TailorClient
import TailorImport
import TailorModel
import TailorProcess
import TailorTesting

/// `tailor import` against real processes: a Merchant Center feed and an orders file
/// with one bad line land, the bad line is refused by number, and importing the same
/// files again changes nothing.
extension ProcessSuites {
@Suite("tailor import (3 nodes and a gateway as processes)", .serialized)
struct ImportClusterTests {
    static let feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss xmlns:g="http://base.google.com/ns/1.0" version="2.0">
          <channel>
            <title>Example Outdoor Store</title>
            <link>https://shop.example.com</link>
            <description>All products</description>
            <item>
              <g:id>TENT-2P</g:id>
              <title><![CDATA[Trail Tent 2P & Footprint]]></title>
              <description><![CDATA[<p>A <b>light</b> tent.</p>]]></description>
              <g:link>https://shop.example.com/p/tent-2p</g:link>
              <g:image_link>https://cdn.example.com/tent-2p.jpg</g:image_link>
              <g:availability>in stock</g:availability>
              <g:price>249.00 USD</g:price>
              <g:sale_price>199.00 USD</g:sale_price>
              <g:brand>Summit</g:brand>
              <g:product_type>Outdoor &gt; Camping &gt; Tents</g:product_type>
              <g:custom_label_0>summer</g:custom_label_0>
            </item>
            <item>
              <g:id>STOVE-1</g:id>
              <g:title>Camp Stove</g:title>
              <g:description>Small &lt;b&gt;stove&lt;/b&gt;</g:description>
              <g:price>39,90 EUR</g:price>
              <g:availability>out_of_stock</g:availability>
              <g:product_type>Outdoor &gt; Camping &gt; Cooking</g:product_type>
            </item>
            <item>
              <g:id>MUG-1</g:id>
              <g:title>Enamel Mug</g:title>
              <g:price>12.50 USD</g:price>
              <g:availability>in_stock</g:availability>
              <g:quantity>7</g:quantity>
              <g:product_type>Outdoor &gt; Camping &gt; Cooking</g:product_type>
            </item>
            <item>
              <g:id>LAMP-1</g:id>
              <g:title>Head Lamp</g:title>
              <g:price>24.00 USD</g:price>
              <g:availability>preorder</g:availability>
            </item>
          </channel>
        </rss>
        """

    static func orders(now: Date) -> String {
        func day(_ back: Int) -> String {
            ISO8601DateFormatter().string(from: now.addingTimeInterval(Double(-back) * 86_400))
        }
        return """
            order_id,customer_id,product,quantity,price,time
            A-1001,cora,TENT-2P,1,199.00,\(day(30))
            A-1001,cora,MUG-1,2,12.50,\(day(30))
            A-1002,eli,STOVE-1,1,39.90,\(day(20))
            A-1003,eli,MUG-1,1,twelve,\(day(10))
            A-1004,finn,LAMP-1,1,24.00,\(day(5))
            A-1004,finn,MUG-1,1,12.50,\(day(5))

            """
    }

    private struct Imported {
        var run: ExternalCommand.Run
        var summary: [String: String]
    }

    private func runImport(_ cluster: TestCluster, _ arguments: [String], key: String? = nil) async throws -> Imported {
        var environment = ProcessInfo.processInfo.environment
        environment["TAILOR_API_KEY"] = key ?? cluster.credentials.adminKey
        let run = try await ExternalCommand.run(
            TestCluster.executable.path, ["import"] + arguments + ["--gateway", cluster.gatewayURL.absoluteString], environment: environment)
        var summary: [String: String] = [:]
        for line in run.stdoutText.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("refused line") else { continue }
            summary[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Imported(run: run, summary: summary)
    }

    /// A cluster of real processes and a scratch directory for the files a test imports;
    /// the cluster's logs are printed when the body fails.
    private func withImportCluster(_ body: (TestCluster, URL) async throws -> Void) async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try await body(cluster, directory)
        } catch {
            cluster.printLogs()
            throw error
        }
    }

    private func product(_ cluster: TestCluster, _ id: String) async throws -> [String: Any] {
        let (status, data) = try await cluster.get("/v1/products/\(id)")
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    private func eventIDs(_ cluster: TestCluster, _ shopper: String) async throws -> [String] {
        let (status, data) = try await cluster.get("/v1/users/\(shopper)/export")
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (body["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }.sorted()
    }

    @Test("a feed and an orders file land, the bad line is refused by number, and a second import changes nothing")
    func feedAndOrders() async throws {
        try await withImportCluster { cluster, directory in
            let feed = directory.appendingPathComponent("feed.xml")
            let orders = directory.appendingPathComponent("orders.csv")
            let rejects = directory.appendingPathComponent("rejects.jsonl")
            try Self.feed.write(to: feed, atomically: true, encoding: .utf8)
            try Self.orders(now: Date()).write(to: orders, atomically: true, encoding: .utf8)
            let catalog = try await runImport(cluster, ["catalog", feed.path])
            #expect(catalog.run.status == 0, "\(catalog.run)")
            #expect(catalog.summary["rows read"] == "4", "\(catalog.run)")
            #expect(catalog.summary["products written"] == "4", "\(catalog.run)")
            #expect(catalog.summary["duplicates"] == "0", "\(catalog.run)")
            let stock = try await runImport(cluster, ["stock", feed.path, "--format", "gmc-xml"])
            #expect(stock.summary["stock levels written"] == "4", "\(stock.run)")

            let tent = try await product(cluster, "TENT-2P")
            let tentProduct = tent["product"] as? [String: Any] ?? [:]
            #expect(tentProduct["title"] as? String == "Trail Tent 2P & Footprint")
            #expect(tentProduct["price"] as? Double == 199)
            #expect(tentProduct["categoryPath"] as? [String] == ["Outdoor", "Camping", "Tents"])
            #expect(tentProduct["url"] as? String == "https://shop.example.com/p/tent-2p")
            #expect(tentProduct["imageURL"] as? String == "https://cdn.example.com/tent-2p.jpg")
            #expect(tent["stock"] as? Int == 100)
            #expect(try await product(cluster, "STOVE-1")["stock"] as? Int == 0)
            #expect(try await product(cluster, "MUG-1")["stock"] as? Int == 7)

            let first = try await runImport(cluster, ["orders", orders.path, "--rejects", rejects.path])
            #expect(first.run.status == 2, "\(first.run)")
            #expect(first.summary["rows read"] == "6", "\(first.run)")
            #expect(first.summary["events written"] == "5", "\(first.run)")
            #expect(first.summary["duplicates"] == "0", "\(first.run)")
            #expect(first.summary["rows refused"] == "1", "\(first.run)")
            #expect(first.run.stdoutText.contains("refused line 5: price: not a number"), "\(first.run)")
            let rejected = try String(contentsOf: rejects, encoding: .utf8).split(separator: "\n")
            #expect(rejected.count == 1)
            #expect(rejected.first?.contains(#""line":5"#) == true)
            #expect(rejected.first?.contains("A-1003,eli,MUG-1,1,twelve") == true)
            let held = (
                cora: try await eventIDs(cluster, "cora"), eli: try await eventIDs(cluster, "eli"), finn: try await eventIDs(cluster, "finn")
            )
            #expect(held.cora == ["ord-A-1001-MUG-1-0", "ord-A-1001-TENT-2P-0"])
            #expect(held.eli == ["ord-A-1002-STOVE-1-0"])
            #expect(held.finn == ["ord-A-1004-LAMP-1-0", "ord-A-1004-MUG-1-0"])

            let second = try await runImport(cluster, ["orders", orders.path])
            #expect(second.summary["rows read"] == "6", "\(second.run)")
            #expect(second.summary["events written"] == "0", "\(second.run)")
            #expect(second.summary["duplicates"] == "5", "\(second.run)")
            #expect(second.summary["rows refused"] == "1", "\(second.run)")
            #expect(try await eventIDs(cluster, "cora") == held.cora)
            #expect(try await eventIDs(cluster, "eli") == held.eli)
            #expect(try await eventIDs(cluster, "finn") == held.finn)
            // The same feed again: same versions, so the cluster keeps what it holds.
            let again = try await runImport(cluster, ["catalog", feed.path])
            #expect(again.run.status == 0, "\(again.run)")
            #expect(again.summary["rows read"] == "4", "\(again.run)")
            #expect(again.summary["products written"] == "0", "\(again.run)")
            #expect(again.summary["duplicates"] == "4", "\(again.run)")
            let tentAgain = try await product(cluster, "TENT-2P")
            #expect((tentAgain["product"] as? [String: Any])?["version"] as? Int == tentProduct["version"] as? Int)
            #expect(tentAgain["stock"] as? Int == 100)

            let resumed = try await runImport(cluster, ["orders", orders.path, "--resume"])
            #expect(resumed.run.status == 0, "\(resumed.run)")
            #expect(resumed.run.stdoutText.contains("nothing to resume"), "\(resumed.run)")
        }
    }

    @Test("an import the gateway refuses outright stops, whatever is left of the file, and leaves an incomplete checkpoint", .timeLimit(.minutes(2)))
    func stopsOnARefusedKey() async throws {
        try await withImportCluster { cluster, directory in
            // Larger than the rows the importer holds ahead of the gateway.
            let orders = directory.appendingPathComponent("orders.csv")
            let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86_400))
            let rows = (0..<60_000).map { "O-\($0),shopper-\($0 % 997),P-\($0 % 211),1,9.99,\(at)" }
            try (["order_id,customer_id,product,quantity,price,time"] + rows + [""]).joined(separator: "\n").write(to: orders, atomically: true, encoding: .utf8)
            let refused = try await runImport(cluster, ["orders", orders.path], key: "not-a-key-of-this-cluster")
            #expect(refused.run.status == 1, "\(refused.run)")
            #expect(String(decoding: refused.run.stderr, as: UTF8.self).contains("401"), "\(refused.run)")
            #expect(refused.summary["events written"] == "0", "\(refused.run)")
            let checkpoint = try ImportCheckpoint.read(ImportCheckpoint.path(for: orders.path, kind: .orders, stateDirectory: nil))
            #expect(checkpoint?.complete == false)
            #expect(checkpoint?.done.records == 0)
        }
    }

    @Test("a Segment export's identify merges the anonymous browsing into the known shopper, once however often it is imported")
    func segmentIdentifyMergesAnonymousHistory() async throws {
        try await withImportCluster { cluster, directory in
            let file = directory.appendingPathComponent("segment.jsonl")
            let at = { (minutes: Int) in ISO8601DateFormatter().string(from: Date().addingTimeInterval(Double(-minutes) * 60)) }
            let lines = [
                #"{"type":"track","event":"Product Viewed","anonymousId":"anon-7","messageId":"m1","timestamp":"\#(at(30))","properties":{"product_id":"TENT-2P"}}"#,
                #"{"type":"track","event":"Product Added","anonymousId":"anon-7","messageId":"m2","timestamp":"\#(at(29))","properties":{"product_id":"MUG-1","quantity":2}}"#,
                #"{"type":"page","name":"Home","anonymousId":"anon-7","messageId":"m3","timestamp":"\#(at(28))"}"#,
                #"{"type":"identify","anonymousId":"anon-7","userId":"dana","messageId":"m4","timestamp":"\#(at(27))","traits":{}}"#,
                #"{"type":"track","event":"Order Completed","userId":"dana","messageId":"m5","timestamp":"\#(at(20))","properties":{"order_id":"B-1","products":[{"product_id":"MUG-1","quantity":2,"price":12.5}]}}"#,
            ]
            try (lines + [""]).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let first = try await runImport(cluster, ["events", file.path, "--format", "segment-jsonl"])
            #expect(first.run.status == 0, "\(first.run)")
            #expect(first.summary["rows read"] == "5", "\(first.run)")
            #expect(first.summary["events written"] == "3", "\(first.run)")
            #expect(first.summary["anonymous shoppers merged"] == "1 (events moved: 2)", "\(first.run)")
            let dana = try await eventIDs(cluster, "dana")
            #expect(dana.count == 3, "the order and the two anonymous steps: \(dana)")
            #expect(dana.filter { $0.hasPrefix("merged-") }.count == 2)
            let again = try await runImport(cluster, ["events", file.path, "--format", "segment-jsonl"])
            #expect(again.summary["events written"] == "0", "\(again.run)")
            #expect(again.summary["anonymous shoppers merged"] == "1 (events moved: 0)", "\(again.run)")
            #expect(try await eventIDs(cluster, "dana") == dana)
        }
    }

    @Test("a resumed import starts after the last acknowledged line and still imports every row once")
    func resumesFromTheCheckpoint() async throws {
        try await withImportCluster { cluster, directory in
            let orders = directory.appendingPathComponent("orders.csv")
            let text = Self.orders(now: Date()).replacingOccurrences(of: "twelve", with: "12.50")
            try text.write(to: orders, atomically: true, encoding: .utf8)
            let full = try await runImport(cluster, ["orders", orders.path])
            #expect(full.summary["events written"] == "6", "\(full.run)")
            // A checkpoint as a run stopped after the third row would have left it.
            let checkpointPath = ImportCheckpoint.path(for: orders.path, kind: .orders, stateDirectory: nil)
            var checkpoint = try #require(try ImportCheckpoint.read(checkpointPath))
            #expect(checkpoint.complete && checkpoint.done.records == 6 && checkpoint.done.line == 8)
            let thirdRowEnd = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(4).map { $0.utf8.count + 1 }.reduce(0, +)
            checkpoint.done = .init(records: 3, offset: Int64(thirdRowEnd), line: 5)
            checkpoint.complete = false
            try checkpoint.write(to: checkpointPath)
            let resumed = try await runImport(cluster, ["orders", orders.path, "--resume"])
            #expect(resumed.run.status == 0, "\(resumed.run)")
            #expect(resumed.summary["resumed at line"] == "5", "\(resumed.run)")
            #expect(resumed.summary["rows read"] == "3", "\(resumed.run)")
            #expect(resumed.summary["duplicates"] == "3", "\(resumed.run)")
            #expect(try ImportCheckpoint.read(checkpointPath)?.complete == true)
        }
    }
}
}

@Suite struct ImportLedgerTests {
    private func record(_ line: Int) -> MappedRecord {
        MappedRecord(line: line, endOffset: Int64(line * 10), nextLine: line + 1)
    }

    @Test func theCheckpointNeverPassesABatchInFlight() {
        var ledger = ImportLedger(start: .init(records: 0, offset: 0, line: 2))
        let first = ledger.read(record(2))
        let a = ledger.open(first: first)
        _ = ledger.read(record(3))
        let third = ledger.read(record(4))
        let b = ledger.open(first: third)
        _ = ledger.read(record(5))
        #expect(ledger.done() == .init(records: 0, offset: 0, line: 2))
        ledger.close(b)
        #expect(ledger.done() == .init(records: 0, offset: 0, line: 2))
        ledger.close(a)
        // The last record read may still be continued by the next one.
        #expect(ledger.done() == .init(records: 3, offset: 40, line: 5))
        ledger.finish()
        #expect(ledger.done() == .init(records: 4, offset: 50, line: 6))
    }

    @Test func theCheckpointNeverSplitsAnOrder() {
        var ledger = ImportLedger(start: .init(records: 0, offset: 0, line: 2))
        var continuing = record(3)
        continuing.continuesGroup = true
        for mapped in [record(2), continuing, record(4), record(5)] { _ = ledger.read(mapped) }
        // Records 2 and 3 are one order: the point between them is skipped.
        #expect(ledger.done() == .init(records: 3, offset: 40, line: 5))
        var ledger2 = ImportLedger(start: .init(records: 0, offset: 0, line: 2))
        for mapped in [record(2), continuing] { _ = ledger2.read(mapped) }
        _ = ledger2.read(record(4))
        #expect(ledger2.done() == .init(records: 2, offset: 30, line: 4))
        var ledger3 = ImportLedger(start: .init(records: 0, offset: 0, line: 2))
        _ = ledger3.read(record(2))
        _ = ledger3.read(continuing)
        #expect(ledger3.done() == .init(records: 0, offset: 0, line: 2))
    }

    @Test func refusedBatchItemsAreNamedByIndex() {
        #expect(ImportSender.index(in: "events[3].at", collection: "events")! == (3, "at"))
        #expect(ImportSender.index(in: "products[12].imageURL", collection: "products")! == (12, "imageURL"))
        #expect(ImportSender.index(in: "events", collection: "events") == nil)
        #expect(ImportSender.index(in: "role", collection: "events") == nil)
    }
}

@Suite struct ImportSenderTests {
    /// A gateway that refuses, like the real one, the first event of a batch whose
    /// product is `BAD…` (400 naming `events[i].product`), answers 503 once, and
    /// otherwise stores the batch.
    final class FakeGateway: Sendable {
        let stored = Mutex<[String]>([])
        let requests = Atomic<Int>(0)

        func answer(_ method: HTTPMethod, _ path: String, _ body: Data) throws -> (status: Int, body: Data) {
            let count = requests.add(1, ordering: .relaxed).newValue
            if count == 1 { return (503, Data()) }
            let batch = try PublicAPIClient.decoder.decode(EventBatch.self, from: body)
            if let index = batch.events.firstIndex(where: { $0.product?.hasPrefix("BAD") == true }) {
                return (400, Data(#"{"error":{"field":"events[\#(index)].product","problem":"no such product","status":400}}"#.utf8))
            }
            let ids = batch.events.compactMap(\.id)
            let fresh = stored.withLock { held in
                let fresh = ids.filter { !held.contains($0) }
                held += fresh
                return fresh.count
            }
            let result = EventBatchResult(accepted: fresh, duplicates: ids.count - fresh, ids: ids)
            return (200, try PublicAPIClient.encoder.encode(result))
        }
    }

    @Test func aRefusedRowIsTakenOutAndTheRestLand() async throws {
        let gateway = FakeGateway()
        let sender = ImportSender(kind: .orders) { try gateway.answer($0, $1, $2) }
        var batch = ImportBatch(ticket: 7)
        for (index, product) in ["P1", "BAD1", "P2", "P3", "BAD2", "P4"].enumerated() {
            batch.items.append(.event(ShopperEvent(id: "e\(index)", type: .purchase, shopper: "s", product: product)))
            batch.records.append((number: index, line: index + 2))
        }
        let outcome = try await sender.send(batch)
        #expect(outcome.ticket == 7)
        #expect(outcome.written == 4)
        #expect(outcome.duplicates == 0)
        #expect(outcome.refused.map(\.line).sorted() == [3, 6])
        #expect(outcome.refused.allSatisfy { $0.field == "product" && $0.problem == "no such product" })
        #expect(gateway.stored.withLock { $0 }.sorted() == ["e0", "e2", "e3", "e5"])
        let again = try await sender.send(batch)
        #expect(again.written == 0 && again.duplicates == 4 && again.refused.count == 2)
    }
}
