import SwiftProtobuf
import TailorModel
import TailorWire
import Testing

/// The scoring calls' messages: what a node decodes is what the gateway meant.
@Suite("Scoring messages on the wire")
struct ScoringWireTests {
    private let situation = Situation(
        items: [.init(product: "p1", weight: 1), .init(product: "p2", weight: 0.25), .init(product: "p1", weight: 0.5)],
        categoryAffinity: ["Shoes": 0.5, "Shoes > Running": 1, "Bags": 0.125],
        brandAffinity: ["Acme": 0.75], typicalPrice: 42.5, purchased: ["p9"], exclude: ["p3", "p4"],
        queryTerms: ["trail", "shoe"], candidates: ["p5"]
    )

    @Test("a situation survives the round trip, items in order")
    func situationRoundTrip() throws {
        let decoded = try roundTrip(WireSituation(situation)).model
        #expect(decoded == situation)
    }

    @Test("an unpaired name or weight is ignored, a repeated name keeps its highest weight")
    func unpairedEntries() {
        var wire = WireSituation()
        wire.categoryNames = ["A", "B", "A", "C"]
        wire.categoryWeights = [0.25, 0.5, 0.75]
        wire.itemProducts = ["p1"]
        wire.itemWeights = [1, 2]
        let model = wire.model
        #expect(model.categoryAffinity == ["A": 0.75, "B": 0.5])
        #expect(model.items == [.init(product: "p1", weight: 1)])
    }

    @Test("a shared request with each node's partitions appended decodes as one request")
    func concatenatedRequest() throws {
        var template = WireScoreRequest()
        template.situation = WireSituation(situation)
        template.k = 16
        template.placement = "home_for_you"
        template.nowMillis = 1_700_000_000_000
        var named = WireScoreRequest()
        named.partitions = [3, 7, 31]
        let body: [UInt8] = try template.wireBytes() + named.wireBytes()

        let decoded = try WireScoreRequest(wireBytes: body)
        var expected = template
        expected.partitions = [3, 7, 31]
        #expect(decoded == expected)
        #expect(decoded.situation.model == situation)
    }

    @Test("a request's context survives the round trip; absent anchor and query stay absent")
    func contextRoundTrip() throws {
        let full = SituationContext(
            placement: .cartAddons, anchor: ProductRef(id: "p1", category: "Shoes > Running", brand: "Acme", price: 99.5),
            cart: [ProductRef(id: "p2", category: "Bags", brand: "", price: 10), ProductRef(id: "p3")],
            exclude: ["p4"], query: "trail shoe", candidates: ["p5", "p6"]
        )
        let empty = SituationContext(placement: .homeForYou)
        for context in [full, empty] {
            let wire = try roundTrip(WireSituationContext(context))
            #expect(wire.model(placement: context.placement) == context)
        }
        // An empty query is a query (it clears nothing), not an absent one.
        let blank = SituationContext(placement: .homeForYou, query: "")
        #expect(try roundTrip(WireSituationContext(blank)).model(placement: .homeForYou) == blank)
    }

    /// `message` encoded and decoded again, as a peer would receive it.
    private func roundTrip<Message: SwiftProtobuf.Message>(_ message: Message) throws -> Message {
        let bytes: [UInt8] = try message.serializedBytes()
        return try Message(serializedBytes: bytes)
    }
}
