import Foundation
import Testing
import TailorImport
import TailorModel

@Suite struct DelimitedImportTests {
    private func records(_ text: String, quotes: Bool = true) -> [RawRecord] {
        var splitter = RecordSplitter(quotes: quotes)
        var records = splitter.feed(Array(text.utf8))
        if let last = splitter.finish() { records.append(last) }
        return records
    }

    private func map(_ kind: ImportKind, _ text: String, format: ImportFormat = .csv, overrides: [String] = [], now: Date = Date()) throws -> [MappedRecord] {
        var options = RecordMapper.Options(defaultVersion: 42, now: now)
        options.columnOverrides = overrides
        var mapper = try RecordMapper(kind: kind, format: format, options: options)
        var all = records(text, quotes: format != .jsonl)
        if mapper.hasHeader { _ = try mapper.readHeader(all.removeFirst()) }
        return all.map { mapper.map($0) }
    }

    @Test func splitterKeepsQuotedLineEndsAndOffsets() {
        let text = "a,b\n\"x\ny\",\"say \"\"hi\"\"\"\n5\" pizza,2\r\nlast,row"
        let split = records(text)
        #expect(split.map(\.line) == [1, 2, 4, 5])
        #expect(split.map { String(decoding: $0.bytes, as: UTF8.self) } == ["a,b", "\"x\ny\",\"say \"\"hi\"\"\"", "5\" pizza,2", "last,row"])
        #expect(split.map(\.endOffset) == [4, 23, 35, 43])
        var resumed = RecordSplitter(quotes: true, offset: 23, line: 4)
        let rest = resumed.feed(Array(text.utf8.dropFirst(23))) + [resumed.finish()].compactMap { $0 }
        #expect(rest.map(\.line) == [4, 5])
        #expect(rest.map(\.endOffset) == [35, 43])
    }

    @Test func catalogCSVWithTheDocumentedColumns() throws {
        let csv = """
            sku,name,category,brand,price,cost,tags,link,image_url,rating
            P-1,"Chef's Knife, 20 cm",Kitchen > Knives,Wüsthof,89.90,41.5,steel|gift,https://shop.example.com/p/1,https://cdn.example.com/1.jpg,4.6
            P-2,Cutting Board,Kitchen,,"12,50",,,,,
            P-3,No Price,Kitchen,,,,,,,
            P-4,Bad Rating,Kitchen,,3,,,,,7
            """
        let mapped = try map(.catalog, csv)
        guard case .product(let knife) = mapped[0].items.first, case .product(let board) = mapped[1].items.first else {
            Issue.record("not products: \(mapped)"); return
        }
        #expect(knife == Product(
            id: "P-1", title: "Chef's Knife, 20 cm", categoryPath: ["Kitchen", "Knives"], brand: "Wüsthof", price: 89.9, cost: 41.5,
            tags: ["steel", "gift"], rating: 4.6, version: 42, url: "https://shop.example.com/p/1", imageURL: "https://cdn.example.com/1.jpg"))
        #expect(board.price == 12.5)
        #expect(board.brand == nil)
        #expect(mapped[2].refusal == MappingError(field: "price", problem: "missing"))
        #expect(mapped[2].line == 4)
        #expect(mapped[3].refusal?.field == "rating")
    }

    @Test func columnOverrides() throws {
        let csv = "Artikelnummer;Bezeichnung\nA-1,x\n".replacingOccurrences(of: ";", with: ",")
        let withoutMap = try map(.catalog, "Artikelnummer,Bezeichnung,Preis\nA-1,Messer,9.5\n")
        #expect(withoutMap.first?.refusal == MappingError(field: "id", problem: "missing"))
        let mapped = try map(.catalog, "Artikelnummer,Bezeichnung,Preis\nA-1,Messer,9.5\n", overrides: ["Artikelnummer=id", "Bezeichnung=title", "Preis=price"])
        guard case .product(let product) = mapped.first?.items.first else { Issue.record("no product"); return }
        #expect(product.id == "A-1" && product.title == "Messer" && product.price == 9.5)
        #expect(throws: MappingError.self) { try map(.catalog, csv, overrides: ["Artikelnummer=colour"]) }
    }

    @Test func stockCSVAndJSONL() throws {
        let mapped = try map(.stock, "product,quantity,version\nP-1,5,\nP-2,0,9\nP-3,-1,\nP-4,lots,\n")
        #expect(mapped.map(\.items) == [
            [.stock(StockLevel(product: "P-1", quantity: 5, version: 42))],
            [.stock(StockLevel(product: "P-2", quantity: 0, version: 9))], [], [],
        ])
        #expect(mapped[2].refusal?.field == "quantity")
        #expect(mapped[3].refusal == MappingError(field: "quantity", problem: "not a whole number"))
        let jsonl = try map(.stock, #"{"sku":"P-9","stock":3}"# + "\n" + #"{"sku":"P-9","stock":"#, format: .jsonl)
        #expect(jsonl.first?.items == [.stock(StockLevel(product: "P-9", quantity: 3, version: 42))])
        #expect(jsonl.last?.refusal?.problem == "not valid JSON")
    }

    @Test func orderRowsBecomePurchasesWithStableIds() throws {
        let csv = """
            order_id,customer_id,product,quantity,price,time
            1001,c-1,P-1,2,19.99,2025-03-01T10:00:00Z
            1001,c-1,P-2,1,5,2025-03-01T10:00:00Z
            1001,c-1,P-1,1,19.99,2025-03-01T10:00:00Z
            1002,c-2,P-1,1,19.99,1740823200
            1003,c-3,P-1,1,nineteen,2025-03-01T10:00:00Z
            1004,c-3,P-1,1,19.99,yesterday
            1005,,P-1,1,19.99,2025-03-01T10:00:00Z
            """
        let now = Date(timeIntervalSince1970: 1_760_000_000)
        let mapped = try map(.orders, csv, now: now)
        let events = mapped.compactMap { record -> ShopperEvent? in
            guard case .event(let event) = record.items.first else { return nil }
            return event
        }
        #expect(events.map(\.id) == ["ord-1001-P-1-0", "ord-1001-P-2-0", "ord-1001-P-1-1", "ord-1002-P-1-0"])
        #expect(events.allSatisfy { $0.type == .purchase })
        #expect(events.map(\.quantity) == [2, 1, 1, 1])
        #expect(events[3].at == Date(timeIntervalSince1970: 1_740_823_200))
        #expect(events[0].at == Date(timeIntervalSince1970: 1_740_823_200))
        #expect(mapped[4].refusal == MappingError(field: "price", problem: "not a number"))
        #expect(mapped[4].line == 6)
        #expect(mapped[5].refusal?.field == "time")
        #expect(mapped[6].refusal == MappingError(field: "customer_id", problem: "missing"))
        #expect(try map(.orders, csv, now: now).map(\.items) == mapped.map(\.items))
        #expect(mapped.map(\.continuesGroup) == [false, true, true, false, false, false, false])
    }

    @Test func eventRowsWithoutOrderAndOldTimes() throws {
        let csv = """
            user,type,product,query,time
            u1,view,P-1,,2025-03-01T10:00:00Z
            u1,search,,red shoes,2025-03-01T10:01:00Z
            u1,impression,P-1,,2025-03-01T10:02:00Z
            u1,view,P-1,,1990-01-01T00:00:00Z
            """
        let mapped = try map(.events, csv, now: Date(timeIntervalSince1970: 1_760_000_000))
        guard case .event(let view) = mapped[0].items.first, case .event(let search) = mapped[1].items.first else {
            Issue.record("not events: \(mapped)"); return
        }
        #expect(view.type == .view && view.id?.hasPrefix("row-") == true)
        #expect(search.type == .search && search.query == "red shoes" && search.product == nil)
        #expect(mapped[2].refusal?.field == "type")
        #expect(mapped[3].refusal?.field == "at")
    }

    @Test func segmentJSONLRecords() throws {
        let jsonl = """
            {"type":"track","event":"Order Completed","userId":"u1","messageId":"m1","timestamp":"2025-03-01T10:00:00Z","properties":{"products":[{"product_id":"P-1","quantity":1},{"product_id":"P-2","quantity":3}]}}
            {"type":"identify","userId":"u1","anonymousId":"a1"}
            {"type":"page","anonymousId":"a1"}
            {"type":"track","event":"Product Viewed","userId":"u1"}
            """
        let mapped = try map(.events, jsonl, format: .segmentJSONL, now: Date(timeIntervalSince1970: 1_760_000_000))
        #expect(mapped.map(\.items.count) == [2, 0, 0, 0])
        #expect(mapped[1].links == [IdentityLink(anonymousId: "a1", userId: "u1")])
        #expect(mapped[2].ignored == "page call")
        #expect(mapped[3].refusal?.field == "properties.product_id")
        #expect(mapped[3].line == 4)
    }

    @Test func guessesFormats() {
        func guess(_ kind: ImportKind, _ name: String, _ head: String) -> ImportFormat? {
            ImportFormat.guess(kind: kind, fileName: name, head: Array(head.utf8))
        }
        #expect(guess(.catalog, "feed.xml", "<?xml") == .gmcXML)
        #expect(guess(.catalog, "export", "<?xml version") == .gmcXML)
        #expect(guess(.catalog, "feed.tsv", "g:id\ttitle\tprice") == .gmcTSV)
        #expect(guess(.catalog, "products.csv", "id,title,price") == .csv)
        #expect(guess(.orders, "orders.csv", "order_id,customer_id") == .csv)
        #expect(guess(.events, "segment.jsonl", #"{"type":"track","userId":"u","messageId":"m"}"#) == .segmentJSONL)
        #expect(guess(.events, "ga4.jsonl", #"{"client_id":"c","events":[]}"#) == .ga4JSONL)
        #expect(guess(.stock, "stock.jsonl", #"{"product":"p","quantity":1}"#) == .jsonl)
        #expect(guess(.orders, "orders.xml", "<x/>") == nil)
    }
}
