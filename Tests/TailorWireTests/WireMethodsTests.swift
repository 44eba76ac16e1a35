import TailorWire
import Testing

/// The internal contract: every call listed once, and the bodies that are not
/// protobuf keep their bytes.
@Suite("Internal calls")
struct WireMethodsTests {
    @Test("every internal call is listed once, under /internal/")
    func everyCallOnce() {
        let paths = WireMethods.all.map(\.path)
        #expect(paths.count == 23)
        #expect(Set(paths).count == paths.count)
        #expect(paths.allSatisfy { $0.hasPrefix("/internal/") })
        #expect(WireMethods.all.filter { $0.httpMethod == .get }.map(\.path) == ["/internal/ping", "/internal/status", "/internal/membership"])
        #expect(WireMethods.all.filter { !$0.idempotent }.map(\.path) == ["/internal/gossip"])
    }

    @Test("text, JSON and pre-encoded bodies are their bytes, unchanged")
    func rawBodies() throws {
        let text = WireText("p1\np2\n")
        #expect(text.wireBytes() == Array("p1\np2\n".utf8))
        #expect(WireText(wireBytes: text.wireBytes()) == text)
        #expect(WireText.contentType == "text/plain")

        let json = WireJSONText(#"[{"product":"p1","popularity":1.5,"trend":0}]"#)
        #expect(WireJSONText(wireBytes: json.wireBytes()) == json)
        #expect(WireJSONText.contentType == "application/json")

        #expect(WireEmpty().wireBytes().isEmpty)
        #expect(WireEmpty.contentType == nil)
        #expect(WireEmpty(wireBytes: [1, 2, 3]) == WireEmpty())

        var envelope = WireGossipEnvelope()
        envelope.fromIncarnation = 7
        let encoded = try WireEncodedMessage(encoding: envelope)
        #expect(encoded.wireBytes() == (try envelope.wireBytes()))
        #expect(try encoded.decode(as: WireGossipEnvelope.self) == envelope)
        #expect(WireEncodedMessage.contentType == WireContentType)
    }

    @Test("a protobuf body above the limit is refused before parsing, a corrupt one as malformed")
    func protobufLimits() throws {
        var request = WireScoreRequest()
        request.placement = "home_for_you"
        let bytes = try request.wireBytes()
        #expect(throws: WireError.self) {
            try WireScoreRequest(wireBytes: bytes, maxBytes: bytes.count - 1)
        }
        do {
            _ = try WireScoreRequest(wireBytes: [0xFF, 0xFF, 0xFF])
            Issue.record("a corrupt body decoded")
        } catch let error as WireError {
            #expect(error.code == .malformed)
        }
        #expect(try WireScoreRequest(wireBytes: [UInt8]()) == WireScoreRequest())
    }
}
