import Foundation
import Testing
import TailorImport
import TailorModel

@Suite struct GA4MappingTests {
    private func map(_ json: String) throws -> [MappedMessage] {
        try GA4Mapping.map(json: Array(json.utf8))
    }

    private func refusal(_ json: String) -> MappingError? {
        do {
            _ = try GA4Mapping.map(json: Array(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func purchaseAsTheMeasurementProtocolSendsIt() throws {
        let mapped = try map("""
            {"client_id":"1234567890.1700000000","user_id":"customer-88","timestamp_micros":"1716232424310000",
             "non_personalized_ads":false,
             "events":[{"name":"purchase","params":{"currency":"USD","transaction_id":"T_12345","value":30.03,
               "coupon":"SUMMER_FUN","shipping":3.33,"tax":1.11,
               "items":[{"item_id":"SKU_12345","item_name":"Stan and Friends Tee","affiliation":"Google Merchandise Store",
                         "coupon":"SUMMER_FUN","discount":2.22,"index":0,"item_brand":"Google","item_category":"Apparel",
                         "item_variant":"green","price":10.01,"quantity":3},
                        {"item_id":"SKU_12346","item_name":"Google Grey Women's Tee","price":21.01,"quantity":2}]}}]}
            """)
        let events = mapped.compactMap(\.event)
        #expect(events.map(\.type) == [.purchase, .purchase])
        #expect(events.map(\.id) == ["ga4-T_12345-0", "ga4-T_12345-1"])
        #expect(events.map(\.product) == ["SKU_12345", "SKU_12346"])
        #expect(events.map(\.quantity) == [3, 2])
        #expect(events.map(\.price) == [10.01, 21.01])
        #expect(events.allSatisfy { $0.shopper == "customer-88" && $0.anonymousId == "1234567890.1700000000" && $0.at == Date(timeIntervalSince1970: 1_716_232_424.31) })
        #expect(mapped.compactMap(\.link) == [IdentityLink(anonymousId: "1234567890.1700000000", userId: "customer-88")])
    }

    @Test func browsingEvents() throws {
        let mapped = try map("""
            {"client_id":"c-1","events":[
              {"name":"view_item","params":{"currency":"USD","value":7.77,"items":[{"item_id":"SKU_1","price":7.77}]}},
              {"name":"select_item","params":{"item_list_id":"related","items":[{"item_id":"SKU_2"}]}},
              {"name":"add_to_cart","params":{"items":[{"item_id":"SKU_1","quantity":2,"price":7.77}]}},
              {"name":"remove_from_cart","params":{"items":[{"item_id":"SKU_1","quantity":1}]}},
              {"name":"view_search_results","params":{"search_term":"t-shirts"}},
              {"name":"page_view","params":{"page_location":"https://example.com/"}},
              {"name":"view_item_list","params":{"items":[{"item_id":"SKU_1"}]}}]}
            """)
        let events = mapped.compactMap(\.event)
        #expect(events.map(\.type) == [.view, .click, .addToCart, .removeFromCart, .search])
        #expect(events.map(\.product) == ["SKU_1", "SKU_2", "SKU_1", "SKU_1", nil])
        #expect(events[2].quantity == 2)
        #expect(events[4].query == "t-shirts")
        #expect(events.allSatisfy { $0.shopper == "c-1" && $0.anonymousId == nil && $0.at == nil })
        #expect(Set(events.compactMap(\.id)).count == 5)
        #expect(mapped.compactMap(\.ignoredReason).count == 2)
        #expect(mapped.compactMap(\.link).isEmpty)
        let again = try map("""
            {"client_id":"c-1","events":[
              {"name":"view_item","params":{"currency":"USD","value":7.77,"items":[{"item_id":"SKU_1","price":7.77}]}},
              {"name":"select_item","params":{"item_list_id":"related","items":[{"item_id":"SKU_2"}]}},
              {"name":"add_to_cart","params":{"items":[{"item_id":"SKU_1","quantity":2,"price":7.77}]}},
              {"name":"remove_from_cart","params":{"items":[{"item_id":"SKU_1","quantity":1}]}},
              {"name":"view_search_results","params":{"search_term":"t-shirts"}},
              {"name":"page_view","params":{"page_location":"https://example.com/"}},
              {"name":"view_item_list","params":{"items":[{"item_id":"SKU_1"}]}}]}
            """)
        #expect(again.compactMap(\.event?.id) == events.compactMap(\.id))
    }

    @Test(arguments: [
        (#"{"events":[{"name":"view_item","params":{"items":[{"item_id":"a"}]}}]}"#, "client_id"),
        (#"{"client_id":"c"}"#, "events"),
        (#"{"client_id":"c","events":[{"params":{}}]}"#, "events[0].name"),
        (#"{"client_id":"c","events":[{"name":"page_view"},{"name":"view_item","params":{}}]}"#, "events[1].params.items"),
        (#"{"client_id":"c","events":[{"name":"purchase","params":{"items":[{"item_name":"Tee"}]}}]}"#, "events[0].params.items[0].item_id"),
        (#"{"client_id":"c","events":[{"name":"add_to_cart","params":{"items":[{"item_id":"a","quantity":0}]}}]}"#, "events[0].params.items[0].quantity"),
        (#"{"client_id":"c","events":[{"name":"search","params":{}}]}"#, "events[0].params.search_term"),
        (#"{"client_id":"c","timestamp_micros":"soon","events":[]}"#, "timestamp_micros"),
        (#"{"client_id":"c","events":[{"name":"view_item","timestamp_micros":-5,"params":{"items":[{"item_id":"a"}]}}]}"#, "events[0].timestamp_micros"),
    ])
    func malformedBodiesNameTheField(json: String, field: String) {
        #expect(refusal(json)?.field == field)
    }
}
