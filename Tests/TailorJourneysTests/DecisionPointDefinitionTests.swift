import Foundation
import TailorModel
import Testing
@testable import TailorJourneys

@Suite struct DecisionPointDefinitionTests {
    typealias Point = DecisionPointDefinition

    static let valid = Point(
        description: "The home page's hero",
        treatments: [
            .init(id: "vip_hero", payload: .object(["image": .string("vip.jpg")]), cap: .init(times: 1, windowSeconds: 86_400)),
            .init(id: "standard_hero", payload: .string("standard")),
        ],
        rules: [.init(segment: "loyal", treatment: "vip_hero")],
        default: "standard_hero"
    )

    static func refusal(_ change: (inout Point) -> Void) -> ValidationError? {
        var point = valid
        change(&point)
        do { try point.validate() } catch { return error }
        return nil
    }

    @Test("a valid decision point passes, and its payload round-trips as given")
    func valid() throws {
        try Self.valid.validate()
        let json = #"{"treatments":[{"id":"a","payload":{"n":[1,true,null,"x"]}}],"default":"a"}"#
        let point = try JSONDecoder().decode(Point.self, from: Data(json.utf8))
        try point.validate()
        let encoded = try JSONEncoder().encode(point.treatments[0].payload)
        #expect(try JSONDecoder().decode(JSONValue.self, from: encoded) == .object(["n": .array([.number(1), .bool(true), .null, .string("x")])]))
    }

    @Test("each refusal names its field path")
    func refusals() {
        let cases: [(field: String, change: (inout Point) -> Void)] = [
            ("treatments", { $0.treatments = [] }),
            ("treatments", { $0.treatments = (0..<33).map { .init(id: "t\($0)", payload: .null) } }),
            ("treatments[1].id", { $0.treatments[1].id = "bad id" }),
            ("treatments[1].id", { $0.treatments[1].id = "vip_hero" }),
            ("treatments[0].cap.times", { $0.treatments[0].cap = .init(times: 0, windowSeconds: 600) }),
            ("treatments[0].cap.times", { $0.treatments[0].cap = .init(times: 1001, windowSeconds: 600) }),
            ("treatments[0].cap.windowSeconds", { $0.treatments[0].cap = .init(times: 1, windowSeconds: 59) }),
            ("treatments[0].cap.windowSeconds", { $0.treatments[0].cap = .init(times: 1, windowSeconds: 31_536_001) }),
            ("treatments[1].payload", { $0.treatments[1].payload = .string(String(repeating: "x", count: 16 * 1024)) }),
            ("rules[1].treatment", { $0.rules = [.init(segment: "loyal", treatment: "vip_hero"), .init(segment: "new", treatment: "nope")] }),
            ("rules[0].segment", { $0.rules = [.init(segment: "no such", treatment: "vip_hero")] }),
            ("rules", { $0.rules = Array(repeating: .init(segment: "loyal", treatment: "vip_hero"), count: 65) }),
            ("default", { $0.default = "nope" }),
            ("description", { $0.description = String(repeating: "x", count: 501) }),
        ]
        for (index, (field, change)) in cases.enumerated() {
            let refused = Self.refusal(change)
            #expect(refused?.field == field, "case \(index): \(refused.map(\.description) ?? "accepted")")
        }
    }

    @Test("a rule naming an unknown segment is found, naming rules[i].segment")
    func unknownSegment() {
        var point = Self.valid
        point.rules = [.init(segment: "loyal", treatment: "vip_hero"), .init(segment: "gone", treatment: "standard_hero")]
        #expect(point.unknownSegment { $0 == "loyal" }?.field == "rules[1].segment")
        #expect(point.unknownSegment { _ in true } == nil)
    }

    @Test("a placement's name is not a decision point id")
    func placementIDs() throws {
        for placement in Placement.allCases {
            #expect(throws: ValidationError.self) { try Point.checkID(placement.rawValue) }
        }
        #expect(throws: ValidationError.self) { try Point.checkID("..") }
        try Point.checkID("home_hero")
    }
}
