import Foundation
import Testing
import TailorImport
import TailorModel

@Suite struct SegmentMappingTests {
    private func map(_ json: String) throws -> [MappedMessage] {
        try SegmentMapping.map(json: Array(json.utf8))
    }

    private func refusal(_ json: String) -> MappingError? {
        do {
            _ = try SegmentMapping.map(json: Array(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func productViewedAsTheWebhookSendsIt() throws {
        let mapped = try map("""
            {"anonymousId":"23adfd82-aa0f-45a7-a756-24f2a7a4c895","channel":"client",
             "context":{"library":{"name":"analytics.js","version":"2.11.1"},"page":{"path":"/products/507"},
                        "userAgent":"Mozilla/5.0","ip":"108.0.78.21"},
             "event":"Product Viewed","integrations":{},"messageId":"ajs-f8ca1e4de5024d9430b3928bd8ac6b96",
             "originalTimestamp":"2024-05-20T19:13:44.019Z",
             "properties":{"product_id":"507f1f77bcf86cd799439011","sku":"G-32","category":"Games",
                           "name":"Monopoly: 3rd Edition","brand":"Hasbro","variant":"200 pieces","price":18.99,
                           "quantity":1,"coupon":"MAYDEALS","currency":"usd","position":3,"value":18.99,
                           "url":"https://www.example.com/product/path","image_url":"https://www.example.com/product/path.jpg"},
             "receivedAt":"2024-05-20T19:13:44.312Z","sentAt":"2024-05-20T19:13:44.021Z",
             "timestamp":"2024-05-20T19:13:44.310Z","type":"track","version":2}
            """)
        #expect(mapped.count == 1)
        let event = try #require(mapped.first?.event)
        #expect(event.type == .view)
        #expect(event.id == "seg-ajs-f8ca1e4de5024d9430b3928bd8ac6b96")
        #expect(event.shopper == "23adfd82-aa0f-45a7-a756-24f2a7a4c895")
        #expect(event.anonymousId == nil)
        #expect(event.product == "507f1f77bcf86cd799439011")
        #expect(event.price == 18.99)
        #expect(event.quantity == nil)
        #expect(event.at == Date(timeIntervalSince1970: 1_716_232_424.310))
        try event.validate(field: "event", now: Date(timeIntervalSince1970: 1_716_232_500))
    }

    @Test(arguments: [
        ("Product Clicked", EventType.click),
        ("Product Added", .addToCart),
        ("Product Removed", .removeFromCart),
        ("product_added", .addToCart),
    ])
    func productEvents(name: String, type: EventType) throws {
        let mapped = try map("""
            {"type":"track","event":"\(name)","userId":"user-19","messageId":"m-\(name)",
             "timestamp":"2024-05-20T19:13:44Z",
             "properties":{"cart_id":"skdjsidjsdkdj29j","sku":"G-32","price":"18.99","quantity":2}}
            """)
        let event = try #require(mapped.first?.event)
        #expect(mapped.count == 1)
        #expect(event.type == type)
        #expect(event.shopper == "user-19")
        #expect(event.product == "G-32")
        #expect(event.price == 18.99)
        #expect(event.quantity == (type == .click ? nil : 2))
    }

    @Test func orderCompletedIsOnePurchasePerLine() throws {
        let mapped = try map("""
            {"type":"track","event":"Order Completed","userId":"user-19","anonymousId":"anon-7",
             "messageId":"api-2LnJ0ZbQ","timestamp":"2024-05-21T08:00:00+02:00",
             "properties":{"checkout_id":"fksdjfsdjfisjf9sdfjsd9f","order_id":"50314b8e9bcf000000000000",
                           "affiliation":"Google Store","total":27.50,"subtotal":22.50,"revenue":25.00,
                           "shipping":3,"tax":2,"discount":2.5,"coupon":"hasbros","currency":"USD",
                           "products":[
                             {"product_id":"507f1f77bcf86cd799439011","sku":"45790-32","name":"Monopoly: 3rd Edition",
                              "price":19,"quantity":1,"category":"Games"},
                             {"product_id":"505bd76785ebb509fc183733","sku":"46493-32","name":"Uno Card Game",
                              "price":3,"quantity":2,"category":"Games"}]}}
            """)
        let events = mapped.compactMap(\.event)
        #expect(events.map(\.type) == [.purchase, .purchase])
        #expect(events.map(\.id) == ["seg-api-2LnJ0ZbQ-0", "seg-api-2LnJ0ZbQ-1"])
        #expect(events.map(\.product) == ["507f1f77bcf86cd799439011", "505bd76785ebb509fc183733"])
        #expect(events.map(\.quantity) == [1, 2])
        #expect(events.map(\.price) == [19, 3])
        #expect(events.allSatisfy { $0.shopper == "user-19" && $0.anonymousId == "anon-7" })
        #expect(events.first?.at == Date(timeIntervalSince1970: 1_716_271_200))
        #expect(mapped.compactMap(\.link) == [IdentityLink(anonymousId: "anon-7", userId: "user-19")])
    }

    @Test func productsSearched() throws {
        let mapped = try map("""
            {"type":"track","event":"Products Searched","anonymousId":"anon-3","messageId":"m-1",
             "originalTimestamp":"2024-05-20T19:13:44.019123Z","properties":{"query":"blue roses"}}
            """)
        let event = try #require(mapped.first?.event)
        #expect(event.type == .search)
        #expect(event.query == "blue roses")
        #expect(event.product == nil)
    }

    @Test func identifyAndAliasLinkIdentities() throws {
        let identify = try map("""
            {"type":"identify","anonymousId":"507f191e810c19729de860ea","userId":"97980cfea0067",
             "traits":{"name":"Peter Gibbons","email":"peter@example.com","plan":"premium","logins":5},
             "messageId":"022bb90c-bbac-11e4-8dfc-aa07a5b093db","timestamp":"2024-02-23T22:28:55.111Z"}
            """)
        #expect(identify == [.link(IdentityLink(anonymousId: "507f191e810c19729de860ea", userId: "97980cfea0067"))])
        let alias = try map("""
            {"type":"alias","previousId":"39239-239239-239239-23923","userId":"507f191e81",
             "messageId":"022bb90c-bbac-11e4-8dfc-aa07a5b093db","timestamp":"2024-02-23T22:28:55Z"}
            """)
        #expect(alias == [.link(IdentityLink(anonymousId: "39239-239239-239239-23923", userId: "507f191e81"))])
        let knownOnly = try map(#"{"type":"identify","userId":"97980cfea0067","traits":{"plan":"premium"}}"#)
        #expect(knownOnly.first?.ignoredReason != nil)
    }

    @Test func unknownTrackEventsAndPagesAreIgnored() throws {
        let checkout = try map(#"{"type":"track","event":"Checkout Started","userId":"u1","properties":{"order_id":"1"}}"#)
        #expect(checkout.count == 1)
        #expect(checkout.first?.ignoredReason?.contains("Checkout Started") == true)
        let page = try map(#"{"type":"page","name":"Home","anonymousId":"a1","properties":{"path":"/"}}"#)
        #expect(page.first?.ignoredReason == "page call")
        let both = try map(#"{"type":"track","event":"Cart Viewed","userId":"u1","anonymousId":"a1"}"#)
        #expect(both.compactMap(\.link) == [IdentityLink(anonymousId: "a1", userId: "u1")])
        #expect(both.compactMap(\.ignoredReason).count == 1)
    }

    @Test func aReplayHasTheSameIds() throws {
        let withoutMessageId = #"{"type":"track","event":"Product Viewed","userId":"u1","properties":{"product_id":"p1"},"timestamp":"2024-05-20T19:13:44Z"}"#
        let reordered = #"{"timestamp":"2024-05-20T19:13:44Z","properties":{"product_id":"p1"},"userId":"u1","event":"Product Viewed","type":"track"}"#
        let other = #"{"type":"track","event":"Product Viewed","userId":"u1","properties":{"product_id":"p2"},"timestamp":"2024-05-20T19:13:44Z"}"#
        let first = try map(withoutMessageId).first?.event?.id
        #expect(first != nil)
        #expect(first == (try map(withoutMessageId).first?.event?.id))
        #expect(first == (try map(reordered).first?.event?.id))
        #expect(first != (try map(other).first?.event?.id))
        let longMessageId = String(repeating: "x", count: 200)
        let long = try map(#"{"type":"track","event":"Product Viewed","userId":"u1","messageId":"\#(longMessageId)","properties":{"product_id":"p1"}}"#)
        let id = try #require(long.first?.event?.id)
        #expect(id.utf8.count <= Limits.maximumIDBytes)
        #expect(id == (try map(#"{"type":"track","event":"Product Viewed","userId":"u2","messageId":"\#(longMessageId)","properties":{"sku":"p9"}}"#).first?.event?.id))
    }

    @Test(arguments: [
        (#"{"type":"track","event":"Product Viewed","properties":{"product_id":"p1"}}"#, "userId"),
        (#"{"type":"track","event":"Product Added","userId":"u1","properties":{"name":"Uno","price":3}}"#, "properties.product_id"),
        (#"{"type":"track","event":"Product Added","userId":"u1","properties":{"product_id":"p1","quantity":"two"}}"#, "properties.quantity"),
        (#"{"type":"track","event":"Product Viewed","userId":"u1","properties":{"product_id":"p1","price":"cheap"}}"#, "properties.price"),
        (#"{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"yesterday","properties":{"product_id":"p1"}}"#, "timestamp"),
        (#"{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2024-02-30T10:00:00Z","properties":{"product_id":"p1"}}"#, "timestamp"),
        (#"{"type":"track","event":"Order Completed","userId":"u1","properties":{"order_id":"o1","revenue":3}}"#, "properties.products"),
        (#"{"type":"track","event":"Order Completed","userId":"u1","properties":{"products":[{"product_id":"p1"},{"name":"x"}]}}"#, "properties.products[1].product_id"),
        (#"{"type":"track","event":"Products Searched","userId":"u1","properties":{}}"#, "properties.query"),
        (#"{"type":"alias","userId":"u1"}"#, "previousId"),
        (#"{"type":"track","userId":"u1"}"#, "event"),
        (#"{"userId":"u1"}"#, "type"),
        (#"{"type":"purchase","userId":"u1"}"#, "type"),
        (#"["not","an","object"]"#, ""),
        (#"{"type":"track", "#, ""),
    ])
    func malformedMessagesNameTheField(json: String, field: String) {
        #expect(refusal(json)?.field == field)
    }
}
