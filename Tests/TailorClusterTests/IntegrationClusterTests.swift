import Foundation
import NIOHTTP1
import TailorClient
import TailorTesting
import Testing

/// The live integrations on real processes: Segment (and RudderStack) webhook
/// destinations' messages and batches, GA4 Measurement Protocol bodies.
extension ProcessSuites {
@Suite("Integrations: Segment, RudderStack, GA4 (3 nodes and a gateway as processes)", .serialized)
struct IntegrationClusterTests {
    private static func json(_ data: Data) -> [String: Any] { DurabilityClusterTests.json(data) }

    /// The events the cluster holds for `shopper`: id → (type, products).
    private func held(_ cluster: TestCluster, _ shopper: String) async throws -> [String: (type: String, products: [String])] {
        let (status, data) = try await cluster.get("/v1/users/\(shopper)/export")
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        var events: [String: (String, [String])] = [:]
        for event in Self.json(data)["events"] as? [[String: Any]] ?? [] {
            events[event["id"] as? String ?? ""] = (event["type"] as? String ?? "", event["products"] as? [String] ?? [])
        }
        return events
    }

    /// `tailor_integration_messages_total` of `source` and `outcome` at the gateway.
    private func counted(_ cluster: TestCluster, _ source: String, _ outcome: String) async throws -> Double {
        let text = String(decoding: try await cluster.get("/metrics").1, as: UTF8.self)
        let line = text.split(separator: "\n").first {
            $0.hasPrefix("tailor_integration_messages_total") && $0.contains(#"source="\#(source)""#) && $0.contains(#"outcome="\#(outcome)""#)
        }
        return line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
    }

    @Test("Segment's track calls of each kind, a batch with a malformed message, identify merging anonymous history, GA4 purchases")
    func integrations() async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        do {
            try await checkIntegrations(cluster)
        } catch {
            cluster.printLogs()
            throw error
        }
    }

    private func checkIntegrations(_ cluster: TestCluster) async throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let shopper = "ivy-\(suffix)", visitor = "anon-\(suffix)"
        let privateKey = try await AccessClusterTests.makeKey(cluster, #"{"role":"private","name":"segment"}"#).key
        let publicKey = try await AccessClusterTests.makeKey(cluster, #"{"role":"public","name":"storefront","origins":["*"]}"#).key
        let segment = cluster.client(key: privateKey)

        // One message of each kind Tailor maps, as Segment's webhook destination sends them one by one.
        let calls: [(event: String, properties: String, type: String, products: [String])] = [
            ("Product Viewed", #"{"product_id":"p-1","price":10}"#, "view", ["p-1"]),
            ("Product Clicked", #"{"product_id":"p-2"}"#, "click", ["p-2"]),
            ("Product Added", #"{"product_id":"p-3","quantity":2}"#, "add_to_cart", ["p-3"]),
            ("Product Removed", #"{"product_id":"p-3"}"#, "remove_from_cart", ["p-3"]),
            ("Products Searched", #"{"query":"trail shoes"}"#, "search", []),
        ]
        for (index, call) in calls.enumerated() {
            let body = #"{"type":"track","event":"\#(call.event)","userId":"\#(shopper)","messageId":"m\#(index)","timestamp":"2026-12-01T10:00:0\#(index)Z","properties":\#(call.properties)}"#
            let (status, data) = try await segment.send(.POST, "/v1/integrations/segment", json: body)
            #expect(status == 200, "\(call.event): \(String(decoding: data, as: UTF8.self))")
            #expect(Self.json(data)["accepted"] as? Int == 1, "\(call.event)")
        }
        let order = #"{"type":"track","event":"Order Completed","userId":"\#(shopper)","messageId":"order-1","properties":{"order_id":"o1","products":[{"product_id":"p-4","quantity":1,"price":20},{"product_id":"p-5","quantity":3,"price":5}]}}"#
        let (ordered, orderData) = try await segment.send(.POST, "/v1/integrations/segment", json: order)
        #expect(ordered == 200)
        #expect(Self.json(orderData)["accepted"] as? Int == 2, "one purchase per line")
        var events = try await held(cluster, shopper)
        for (index, call) in calls.enumerated() {
            #expect(events["seg-m\(index)"]?.type == call.type, "\(call.event): \(events)")
            if !call.products.isEmpty { #expect(events["seg-m\(index)"]?.products == call.products) }
        }
        #expect(events.values.filter { $0.type == "purchase" }.map(\.products).sorted { "\($0)" < "\($1)" } == [["p-4"], ["p-5"]])
        // A replay of the same message is a no-op.
        let (replayed, replayData) = try await segment.send(.POST, "/v1/integrations/rudderstack", json: order)
        #expect(replayed == 200)
        #expect(Self.json(replayData)["duplicates"] as? Int == 2)
        #expect(Self.json(replayData)["accepted"] as? Int == 0)

        // A batch with a malformed message: the others are written, the bad one is named.
        let ignoredBefore = try await counted(cluster, "segment", "ignored")
        let refusedBefore = try await counted(cluster, "segment", "refused")
        let batch = #"""
            {"batch":[
              {"type":"track","event":"Product Viewed","anonymousId":"\#(visitor)","messageId":"b0","properties":{"product_id":"p-6"}},
              {"type":"track","event":"Product Added","anonymousId":"\#(visitor)","messageId":"b1","properties":{"name":"no product id"}},
              {"type":"track","event":"Checkout Started","anonymousId":"\#(visitor)","messageId":"b2"},
              {"type":"page","anonymousId":"\#(visitor)","messageId":"b3"},
              {"type":"track","event":"Product Added","anonymousId":"\#(visitor)","messageId":"b4","properties":{"product_id":"p-7"}}
            ]}
            """#
        let (batchStatus, batchData) = try await segment.send(.POST, "/v1/integrations/segment", json: batch)
        #expect(batchStatus == 200, "\(String(decoding: batchData, as: UTF8.self))")
        let answer = Self.json(batchData)
        #expect(answer["received"] as? Int == 5)
        #expect(answer["accepted"] as? Int == 2)
        #expect(answer["ignored"] as? Int == 2)
        let refused = answer["refused"] as? [[String: Any]] ?? []
        #expect(refused.map { $0["index"] as? Int } == [1])
        #expect(refused.map { $0["field"] as? String } == ["batch[1].properties.product_id"])
        #expect(Set(try await held(cluster, visitor).keys) == ["seg-b0", "seg-b4"])
        #expect(try await counted(cluster, "segment", "ignored") == ignoredBefore + 2)
        #expect(try await counted(cluster, "segment", "refused") == refusedBefore + 1)

        // A batch of nothing but malformed messages writes nothing and answers 400 naming the field.
        let (badStatus, badData) = try await segment.send(
            .POST, "/v1/integrations/segment", json: #"{"batch":[{"type":"track","userId":"x-\#(suffix)","messageId":"z"}]}"#
        )
        #expect(badStatus == 400)
        #expect((Self.json(badData)["error"] as? [String: Any])?["field"] as? String == "batch[0].event")
        let (notJSON, notJSONData) = try await segment.send(.POST, "/v1/integrations/segment", json: #"{"batch":"#)
        #expect(notJSON == 400)
        #expect((Self.json(notJSONData)["error"] as? [String: Any])?["field"] as? String == "body")

        // identify: the anonymous visitor's history joins the known shopper's.
        let identify = #"{"type":"identify","userId":"\#(shopper)","anonymousId":"\#(visitor)","messageId":"id-1"}"#
        let (identified, identifyData) = try await segment.send(.POST, "/v1/integrations/segment", json: identify)
        #expect(identified == 200, "\(String(decoding: identifyData, as: UTF8.self))")
        #expect(Self.json(identifyData)["merged"] as? Int == 1)
        events = try await held(cluster, shopper)
        #expect(events.values.filter { $0.products == ["p-6"] || $0.products == ["p-7"] }.count == 2, "\(events)")
        #expect(events.count == 5 + 2 + 2)

        // GA4: a purchase from a browser known by its client_id, then by its user_id.
        let ga4 = #"{"client_id":"ga-\#(suffix)","user_id":"\#(shopper)","events":[{"name":"purchase","params":{"transaction_id":"T-\#(suffix)","items":[{"item_id":"p-8","price":12.5,"quantity":1}]}},{"name":"session_start","params":{}}]}"#
        let (purchased, purchaseData) = try await segment.send(.POST, "/v1/integrations/ga4", json: ga4)
        #expect(purchased == 200, "\(String(decoding: purchaseData, as: UTF8.self))")
        #expect(Self.json(purchaseData)["accepted"] as? Int == 1)
        #expect(Self.json(purchaseData)["ignored"] as? Int == 1)
        #expect(try await held(cluster, shopper)["ga4-T-\(suffix)-0"]?.type == "purchase")
        let (badGA4, badGA4Data) = try await segment.send(
            .POST, "/v1/integrations/ga4", json: #"{"client_id":"c1","events":[{"name":"add_to_cart","params":{"items":[{"price":1}]}}]}"#
        )
        #expect(badGA4 == 400)
        #expect((Self.json(badGA4Data)["error"] as? [String: Any])?["field"] as? String == "events[0].params.items[0].item_id")

        // A storefront's public key may not post integrations (they carry purchases and link identities).
        #expect(try await cluster.client(key: publicKey).send(.POST, "/v1/integrations/segment", json: identify).status == 403)
    }
}
}
