import Foundation
import TailorModel
import Testing

/// The `personalization` field of events and recommendation requests, and what the
/// gateway's consent policy makes of a batch.
@Suite("Consent to personalisation")
struct ConsentTests {
    private func field(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ValidationError {
            return error.field
        } catch {
            Issue.record("unexpected error \(error)")
            return "?"
        }
    }

    private func event(_ id: String, _ shopper: String, _ personalization: String? = nil) -> ShopperEvent {
        ShopperEvent(id: id, type: .view, shopper: shopper, product: "p1", personalization: personalization)
    }

    @Test("granted, denied or nothing pass; any other value is refused naming the field", arguments: [
        (nil, true), ("granted", true), ("denied", true), ("Granted", false), ("yes", false), ("", false),
    ] as [(String?, Bool)])
    func validation(value: String?, valid: Bool) {
        let batch = EventBatch(events: [event("e1", "u1"), event("e2", "u1", value)])
        #expect(field { try batch.validate(now: .now) } == (valid ? nil : "events[1].personalization"))
        let request = RecommendationRequest(shopper: "u1", placement: .homeForYou, personalization: value)
        #expect(field { try request.validate() } == (valid ? nil : "personalization"))
    }

    @Test("the refusal names the accepted values")
    func problem() throws {
        let error = try #require(throws: ValidationError.self) {
            try RecommendationRequest(shopper: "u1", placement: .homeForYou, personalization: "maybe").validate()
        }
        #expect(error.problem == "must be one of granted, denied")
    }

    @Test("the JSON field is personalization, on events and on recommendation requests")
    func decoding() throws {
        let event = try JSONDecoder().decode(
            ShopperEvent.self, from: Data(#"{"type":"view","user":"u1","product":"p1","personalization":"denied"}"#.utf8)
        )
        #expect(event.personalization == "denied")
        let request = try JSONDecoder().decode(
            RecommendationRequest.self, from: Data(#"{"user":"u1","placement":"home_for_you","personalization":"granted"}"#.utf8)
        )
        #expect(request.personalization == "granted")
    }

    @Test("a missing field means granted when consent is assumed, denied when it is required")
    func policy() {
        #expect(ConsentPolicy.assumed.resolve(nil) == .granted)
        #expect(ConsentPolicy.required.resolve(nil) == .denied)
        for policy in ConsentPolicy.allCases {
            #expect(policy.resolve("granted") == .granted)
            #expect(policy.resolve("denied") == .denied)
        }
    }

    @Test("consent assumed: events without the field are stored; a denied event withdraws its shopper's whole batch")
    func batchAssumed() {
        let batch = EventBatch(events: [
            event("a1", "ava"), event("b1", "ben", "granted"), event("b2", "ben", "denied"), event("b3", "ben"), event("c1", "cy", "granted"),
        ])
        #expect(batch.consent(under: .assumed) == BatchConsent(stored: [true, false, false, false, true], withdrawn: ["ben"]))
    }

    @Test("consent required: only events that say granted are stored, and a missing field erases nothing")
    func batchRequired() {
        let batch = EventBatch(events: [event("a1", "ava"), event("c1", "cy", "granted"), event("d1", "dee", "denied")])
        #expect(batch.consent(under: .required) == BatchConsent(stored: [false, true, false], withdrawn: ["dee"]))
    }

    @Test("answers say whether they are personalised, and under which consent")
    func answer() throws {
        let coverage = Coverage(partitions: 1, answered: 1, degraded: false)
        let denied = RecommendationResponse(items: [], coverage: coverage, placement: .homeForYou, strategy: .conversion, tookMs: 1, personalization: .denied)
        #expect(!denied.personalized)
        let granted = RecommendationResponse(items: [], coverage: coverage, placement: .homeForYou, strategy: .conversion, tookMs: 1)
        #expect(granted.personalized && granted.personalization == .granted)
        let encoded = String(decoding: try JSONEncoder().encode(denied), as: UTF8.self)
        #expect(encoded.contains(#""personalized":false"#) && encoded.contains(#""personalization":"denied""#))
    }

    @Test("a batch result names the events not stored only when there are some")
    func result() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let none = String(decoding: try encoder.encode(EventBatchResult(accepted: 1, duplicates: 0, ids: ["e1"])), as: UTF8.self)
        #expect(none == #"{"accepted":1,"duplicates":0,"ids":["e1"]}"#)
        let some = String(decoding: try encoder.encode(EventBatchResult(accepted: 0, duplicates: 0, ids: ["e1"], notStored: 1)), as: UTF8.self)
        #expect(some == #"{"accepted":0,"duplicates":0,"ids":["e1"],"notStored":1}"#)
    }
}
