import Foundation
import Testing
import TailorImport
import TailorModel

@Suite struct MerchantFeedTests {
    static let rss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss xmlns:g="http://base.google.com/ns/1.0" version="2.0">
          <channel>
            <title>Example Outdoor Store</title>
            <link>https://shop.example.com</link>
            <description>Products of Example Outdoor Store</description>
            <item>
              <g:id>TENT-2P-GRN</g:id>
              <title><![CDATA[Trail Tent 2P — "Green" & light]]></title>
              <description><![CDATA[<p>A <b>2-person</b> tent.<br/>Weighs 1.9&nbsp;kg.</p>]]></description>
              <link>https://shop.example.com/rss-link-is-not-used</link>
              <g:link>https://shop.example.com/p/tent-2p-green</g:link>
              <g:image_link>https://cdn.example.com/img/tent-2p-green.jpg</g:image_link>
              <g:additional_image_link>https://cdn.example.com/img/tent-2p-green-2.jpg</g:additional_image_link>
              <g:availability>in stock</g:availability>
              <g:price>249.00 USD</g:price>
              <g:sale_price>199.00 USD</g:sale_price>
              <g:brand>Summit &amp; Co</g:brand>
              <g:condition>new</g:condition>
              <g:product_type>Outdoor &gt; Camping &gt; Tents</g:product_type>
              <g:product_type>Sale &gt; Summer</g:product_type>
              <g:google_product_category>1013</g:google_product_category>
              <g:custom_label_0>summer</g:custom_label_0>
              <g:custom_label_2>bestseller</g:custom_label_2>
              <g:shipping>
                <g:country>US</g:country>
                <g:price>9.99 USD</g:price>
              </g:shipping>
            </item>
            <item>
              <g:id>STOVE-1</g:id>
              <g:title>Camp Stove</g:title>
              <g:description>Small &lt;b&gt;stove&lt;/b&gt;</g:description>
              <g:price>39,90 EUR</g:price>
              <g:availability>out_of_stock</g:availability>
              <g:google_product_category>Sporting Goods &gt; Outdoor Recreation &gt; Camping</g:google_product_category>
            </item>
            <item>
              <g:id>MUG-1</g:id>
              <g:title>Enamel Mug</g:title>
              <g:price>1.299,00 EUR</g:price>
              <g:availability>preorder</g:availability>
              <g:quantity>12</g:quantity>
            </item>
            <item>
              <g:id>BAD-1</g:id>
              <g:title>Price missing its number</g:title>
              <g:price>USD</g:price>
              <g:availability>backorder</g:availability>
            </item>
          </channel>
        </rss>
        """

    private func items(_ xml: String) throws -> [(NamedFields, Int)] {
        var items: [(NamedFields, Int)] = []
        let reader = MerchantFeedXMLReader(stream: InputStream(data: Data(xml.utf8))) { item, line in
            items.append((item, line))
            return true
        }
        try reader.read()
        return items
    }

    private func mapper(_ kind: ImportKind, _ format: ImportFormat) throws -> RecordMapper {
        try RecordMapper(kind: kind, format: format, options: .init(defaultVersion: 7, now: Date()))
    }

    @Test func readsAnRSSFeedItemByItem() throws {
        let items = try items(Self.rss)
        #expect(items.map(\.1) == [7, 30, 38, 45])
        var catalog = try mapper(.catalog, .gmcXML)
        let mapped = items.map { catalog.map(item: $0.0, line: $0.1) }
        guard case .product(let tent) = mapped[0].items.first else { Issue.record("no product: \(mapped[0])"); return }
        #expect(tent.id == "TENT-2P-GRN")
        #expect(tent.title == #"Trail Tent 2P — "Green" & light"#)
        #expect(tent.categoryPath == ["Outdoor", "Camping", "Tents"])
        #expect(tent.brand == "Summit & Co")
        #expect(tent.price == 199)
        #expect(tent.attributes == ["currency": "USD", "list_price": "249.00", "condition": "new"])
        #expect(tent.tags == ["summer", "bestseller"])
        #expect(tent.url == "https://shop.example.com/p/tent-2p-green")
        #expect(tent.imageURL == "https://cdn.example.com/img/tent-2p-green.jpg")
        #expect(tent.version == 7)
        guard case .product(let stove) = mapped[1].items.first else { Issue.record("no product"); return }
        #expect(stove.price == 39.9)
        #expect(stove.categoryPath == ["Sporting Goods", "Outdoor Recreation", "Camping"])
        #expect(stove.url == nil && stove.imageURL == nil && stove.tags == nil)
        guard case .product(let mug) = mapped[2].items.first else { Issue.record("no product"); return }
        #expect(mug.price == 1299)
        #expect(mug.categoryPath == ["Uncategorized"])
        #expect(mapped[3].refusal == MappingError(field: "price", problem: "“USD” is not a price"))
        #expect(mapped[3].line == 45)
    }

    @Test func stockFromAvailabilityAndQuantity() throws {
        var stock = try mapper(.stock, .gmcXML)
        let levels = try items(Self.rss).map { stock.map(item: $0.0, line: $0.1).items }
        #expect(levels == [
            [.stock(StockLevel(product: "TENT-2P-GRN", quantity: 100, version: 7))],
            [.stock(StockLevel(product: "STOVE-1", quantity: 0, version: 7))],
            [.stock(StockLevel(product: "MUG-1", quantity: 12, version: 7))],
            [.stock(StockLevel(product: "BAD-1", quantity: 100, version: 7))],
        ])
        var unknown = try mapper(.stock, .gmcXML)
        let odd = unknown.map(item: NamedFields(["id": "X", "availability": "limited availability"]), line: 3)
        #expect(odd.refusal?.field == "availability")
    }

    @Test func anAtomFeedAndAMalformedOne() throws {
        let atom = """
            <?xml version="1.0"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
              <title>Store</title>
              <entry>
                <g:id>A1</g:id>
                <title>Atom Thing</title>
                <link href="https://shop.example.com/a1"/>
                <g:price>5 USD</g:price>
              </entry>
            </feed>
            """
        let entries = try items(atom)
        #expect(entries.count == 1)
        #expect(entries.first?.0["link"] == "https://shop.example.com/a1")
        #expect(entries.first?.0["title"] == "Atom Thing")
        var handed = 0
        let broken = MerchantFeedXMLReader(stream: InputStream(data: Data("<rss><channel><item><g:id>1</g:id></item>\n<item><g:id>2</g:id><g:title>Cut".utf8))) { _, _ in
            handed += 1
            return true
        }
        #expect(throws: MappingError.self) { try broken.read() }
        #expect(handed == 1)
    }

    @Test func tabSeparatedFeedWithOddFields() throws {
        let tsv = "\u{FEFF}id\ttitle\tdescription\tlink\timage_link\tavailability\tprice\tsale_price\tbrand\tproduct_type\tcustom_label_0\r\n"
            + "SKU-1\tLinen Shirt\t\"<p>Soft, \"\"washed\"\" linen</p>\"\thttps://shop.example.com/p/1\thttps://cdn.example.com/1.jpg\tin_stock\t49,95 EUR\t\tAcme\tApparel > Shirts\tnew-in\r\n"
            + "\r\n"
            + "SKU-2\tWool Socks\t\"Two lines\nof description\"\t\t\tout of stock\t12.00 EUR\t9.00 EUR\t\t\t\r\n"
            + "SKU-3\tBroken\t\t\t\tin stock\tcheap\t\t\t\t\r\n"
        let head = Array(tsv.utf8.prefix(200))
        #expect(ImportFormat.guess(kind: .catalog, fileName: "feed.txt", head: head) == .gmcTSV)
        var splitter = RecordSplitter(quotes: true, delimiter: UInt8(ascii: "\t"))
        var records: [RawRecord] = []
        for chunk in Array(tsv.utf8).chunks(of: 7) { records += splitter.feed(chunk) }
        if let last = splitter.finish() { records.append(last) }
        #expect(records.map(\.line) == [1, 2, 4, 6])
        #expect(records.last?.endOffset == Int64(tsv.utf8.count))
        var catalog = try mapper(.catalog, .gmcTSV)
        _ = try catalog.readHeader(records[0])
        let mapped = records.dropFirst().map { catalog.map($0) }
        guard case .product(let shirt) = mapped[0].items.first, case .product(let socks) = mapped[1].items.first else {
            Issue.record("not products: \(mapped)"); return
        }
        #expect(shirt.price == 49.95)
        #expect(shirt.categoryPath == ["Apparel", "Shirts"])
        #expect(shirt.tags == ["new-in"])
        #expect(shirt.url == "https://shop.example.com/p/1")
        #expect(socks.price == 9)
        #expect(socks.attributes?["list_price"] == "12.00")
        #expect(socks.brand == nil)
        #expect(mapped[2].refusal?.field == "price")
        #expect(mapped[2].line == 6)
    }

    @Test(arguments: [
        ("12.99 USD", 12.99, "USD"), ("12,99 EUR", 12.99, "EUR"), ("USD 12.99", 12.99, "USD"), ("$1,299.00", 1299, nil),
        ("1.299,00 €", 1299, nil), ("1,299", 1299, nil), ("7", 7, nil), ("0.5 gbp", 0.5, "GBP"),
    ] as [(String, Double, String?)])
    func prices(text: String, amount: Double, currency: String?) throws {
        let price = try #require(Numbers.price(text))
        #expect(price.amount == amount)
        #expect(price.currency == currency)
    }

    @Test(arguments: ["", "cheap", "12.99 US dollars", "USD"])
    func notPrices(text: String) {
        #expect(Numbers.price(text) == nil)
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
