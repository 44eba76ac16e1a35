import Foundation
import TailorImport
import TailorModel
import Testing

@testable import TailorGateway

@Suite("integration intake: messages to events, merges, ignored and refused")
struct IntegrationIntakeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func message(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    static func intake(_ messages: [String], recommendationIsValid: (String) -> Bool = { _ in true }) throws -> IntegrationIntake {
        var intake = IntegrationIntake()
        for (index, json) in messages.enumerated() {
            intake.add(
                try message(json), path: "batch[\(index)]", index: index, now: now, map: SegmentMapping.map,
                recommendationIsValid: recommendationIsValid
            )
        }
        return intake
    }

    @Test("a batch keeps its good messages and names each refused one by index and field")
    func partialBatch() throws {
        let intake = try Self.intake([
            #"{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","properties":{"product_id":"p1"}}"#,
            #"{"type":"track","event":"Product Added","userId":"u1","messageId":"m2","properties":{"name":"no id"}}"#,
            #"{"type":"track","event":"Checkout Started","userId":"u1","messageId":"m3"}"#,
            #"{"type":"identify","userId":"u1","anonymousId":"a1","messageId":"m4"}"#,
        ])
        #expect(intake.received == 4)
        #expect(intake.events.map(\.id) == ["seg-m1"])
        #expect(intake.refused == [IntegrationIntake.Refusal(index: 1, field: "batch[1].properties.product_id", problem: intake.refused.first?.problem ?? "")])
        #expect(intake.ignored == 1)
        #expect(intake.merges.map { [$0.anonymous, $0.shopper] } == [["a1", "u1"]])
    }

    @Test("a message whose event breaks the API's rules is refused whole, naming the message")
    func invalidEvent() throws {
        let long = String(repeating: "p", count: 200)
        let intake = try Self.intake([
            #"{"type":"track","event":"Order Completed","userId":"u1","anonymousId":"a1","messageId":"m1","properties":{"products":[{"product_id":"p1"},{"product_id":"\#(long)"}]}}"#,
        ])
        #expect(intake.events.isEmpty, "not even the order's valid line")
        #expect(intake.merges.isEmpty, "nor its link")
        #expect(intake.refused.map(\.field) == ["batch[0]"])
        #expect(intake.refused.first?.problem.contains("product") == true, "\(intake.refused)")
    }

    @Test("a recommendation id this cluster did not make is refused, naming the property")
    func foreignRecommendation() throws {
        let intake = try Self.intake(
            [#"{"type":"track","event":"Product Clicked","userId":"u1","messageId":"m1","properties":{"product_id":"p1","recommendationId":"forged"}}"#],
            recommendationIsValid: { _ in false }
        )
        #expect(intake.events.isEmpty)
        #expect(intake.refused.map(\.field) == ["batch[0].properties.recommendationId"])
    }

    @Test("a body that is the message names fields without a prefix, and the body itself when it is not an object")
    func singleMessage() throws {
        var intake = IntegrationIntake()
        intake.add(try Self.message(#"{"type":"track","userId":"u1"}"#), path: "", index: nil, now: Self.now, map: SegmentMapping.map) { _ in true }
        intake.add(try Self.message(#"[1]"#), path: "", index: nil, now: Self.now, map: SegmentMapping.map) { _ in true }
        #expect(intake.refused.map(\.field) == ["event", "body"])
        #expect(intake.refused.map(\.index) == [nil, nil])
    }
}
