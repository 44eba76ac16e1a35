import Foundation
import NIOCore
import TailorJourneys
import TailorModel
import Testing

@testable import TailorGateway

/// The decisions answer is written by hand (DecisionResponse+JSON.swift): its bytes
/// must be those of `JSONCoding.encoder`, payloads of every JSON kind included.
@Suite struct DecisionResponseJSONTests {
    static let payload: JSONValue = .object([
        "title": .string("VIP \"early\" access / \(everyASCIIAndMore)"), "percent": .number(5), "ratio": .number(0.125),
        "items": .array([.string("a"), .null, .bool(true), .object(["z": .number(-1), "a": .array([])])]),
        "Zebra": .bool(false), "émoji 😀": .string("é"), "": .null,
    ])

    static let response = DecisionResponse(
        user: "u00042", segments: ["ready_to_buy", "new"],
        decisions: [
            .init(
                point: "hero", treatment: .init(id: "vip", payload: payload, cap: .init(times: 2, windowSeconds: 86_400)),
                decisionId: "AgAAAaJR", why: "the shopper is in segment 'loyal' (rule 1)", segment: "loyal"
            ),
            .init(point: "exit_offer", treatment: .init(id: "plain", payload: .null), decisionId: "AgAB", why: "experiment 'x' chose variant 'plain'",
                  experiment: "x", variant: "plain"),
            .init(point: "discount_offer", why: "no rule applies and there is no default to show"),
        ],
        recommendations: [samples[0].response], personalization: .granted, degraded: true, reasons: ["home_for_you: 1 of 8 partitions"],
        tookMs: 4.25
    )

    @Test("the hand-written answer has the bytes JSONEncoder gives it")
    func writesTheBytesOfJSONEncoder() throws {
        for response in [Self.response, DecisionResponse(user: "u", segments: [], decisions: [], recommendations: [], personalization: .denied, degraded: false, tookMs: 0)] {
            let written = Array(try JSONWriter.encode(response, capacity: response.estimatedJSONBytes).readableBytesView)
            let encoded = [UInt8](try JSONCoding.encoder.encode(response))
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
            let sameBytes = written == encoded
            #expect(sameBytes)
        }
    }
}
