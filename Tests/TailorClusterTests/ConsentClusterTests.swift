import Foundation
import Testing
import TailorTesting

/// Consent to personalisation through the public API, on real processes: what a
/// shopper who denies it leaves behind (nothing but anonymous counts), what their
/// answers say, and that withdrawing consent erases what was held.
extension ProcessSuites {
@Suite("Consent (3 nodes and a gateway as processes)", .serialized)
struct ConsentClusterTests {
    private static func json(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Posts a batch of events written as JSON objects; returns the answer's body.
    private func send(_ cluster: TestCluster, _ events: [String]) async throws -> [String: Any] {
        let (status, data) = try await cluster.post("/v1/events", json: #"{"events":[\#(events.joined(separator: ","))]}"#)
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        return Self.json(data)
    }

    /// The ids of the events the cluster holds about the shopper, and the export's body.
    private func export(_ cluster: TestCluster, _ shopper: String) async throws -> (ids: [String], body: [String: Any]) {
        let (status, data) = try await cluster.get("/v1/users/\(shopper)/export")
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        let body = Self.json(data)
        return ((body["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }.sorted(), body)
    }

    /// Asks for recommendations; `personalization` is the request's field, nil leaves it out.
    private func recommend(_ cluster: TestCluster, _ shopper: String, _ personalization: String?) async throws -> [String: Any] {
        let field = personalization.map { #","personalization":"\#($0)""# } ?? ""
        let (status, data) = try await cluster.post("/v1/recommendations", json: #"{"user":"\#(shopper)","placement":"home_for_you"\#(field)}"#)
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        return Self.json(data)
    }

    private func run(_ cluster: TestCluster, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            cluster.printLogs()
            throw error
        }
    }

    @Test("a shopper who denied consent has nothing stored and unpersonalised answers; granting later starts a fresh profile")
    func deniedThenGranted() async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        try await run(cluster) {
            let denied = try await send(cluster, [
                #"{"id":"dana-1","type":"view","user":"dana","session":"s1","product":"p-consent","personalization":"denied"}"#,
                #"{"id":"dana-2","type":"add_to_cart","user":"dana","session":"s1","product":"p-consent","personalization":"denied"}"#,
            ])
            #expect(denied["accepted"] as? Int == 0)
            #expect(denied["duplicates"] as? Int == 0)
            #expect(denied["notStored"] as? Int == 2)
            #expect(denied["ids"] as? [String] == ["dana-1", "dana-2"])

            let afterDenial = try await export(cluster, "dana")
            #expect(afterDenial.ids.isEmpty)
            #expect(afterDenial.body["eventCount"] as? Int == 0)

            // The anonymous popularity counters still count the product.
            let view = Self.json(try await cluster.get("/v1/cluster").1)
            let counters = view["counters"] as? [[String: Any]] ?? []
            let counted = counters.first { $0["product"] as? String == "p-consent" }
            let popularity = ((counted?["popularity"] as? [String: Any])?["gateway"] as? NSNumber)?.doubleValue ?? 0
            #expect(popularity > 0, "\(counters)")

            let unpersonalised = try await recommend(cluster, "dana", "denied")
            #expect(unpersonalised["personalized"] as? Bool == false)
            #expect(unpersonalised["personalization"] as? String == "denied")

            // Granting later: events after the withdrawal are stored, in a fresh profile.
            let granted = try await send(cluster, [
                #"{"id":"dana-3","type":"view","user":"dana","session":"s2","product":"p-consent-2","personalization":"granted"}"#,
                #"{"id":"dana-4","type":"view","user":"dana","session":"s2","product":"p-consent-3","personalization":"granted"}"#,
            ])
            #expect(granted["accepted"] as? Int == 2)
            #expect(granted["notStored"] == nil)
            let afterGrant = try await export(cluster, "dana")
            #expect(afterGrant.ids == ["dana-3", "dana-4"])
            #expect(afterGrant.body["eventCount"] as? Int == 2)
            #expect(afterGrant.body["erasedAt"] != nil)

            let personalised = try await recommend(cluster, "dana", "granted")
            #expect(personalised["personalized"] as? Bool == true)
            #expect(personalised["personalization"] as? String == "granted")
            // Consent assumed (the default): a request without the field is personalised.
            #expect(try await recommend(cluster, "dana", nil)["personalized"] as? Bool == true)
        }
    }

    @Test("a shopper who withdraws consent is erased before the answer")
    func withdrawalErases() async throws {
        let cluster = try await TestCluster.start(demo: false)
        defer { cluster.stop() }
        try await run(cluster) {
            let stored = try await send(cluster, [
                #"{"id":"erin-1","type":"view","user":"erin","product":"p-consent","personalization":"granted"}"#,
                #"{"id":"erin-2","type":"view","user":"erin","product":"p-consent-2"}"#,
                #"{"id":"finn-1","type":"view","user":"finn","product":"p-consent"}"#,
            ])
            #expect(stored["accepted"] as? Int == 3)
            #expect(try await export(cluster, "erin").ids == ["erin-1", "erin-2"])

            // One denied event withdraws consent for the whole batch of that shopper.
            let withdrawn = try await send(cluster, [
                #"{"id":"erin-3","type":"view","user":"erin","product":"p-consent-3","personalization":"granted"}"#,
                #"{"id":"erin-4","type":"view","user":"erin","product":"p-consent-3","personalization":"denied"}"#,
            ])
            #expect(withdrawn["accepted"] as? Int == 0)
            #expect(withdrawn["notStored"] as? Int == 2)
            let erased = try await export(cluster, "erin")
            #expect(erased.ids.isEmpty)
            #expect(erased.body["erasedAt"] != nil)
            // Other shoppers keep what they have.
            #expect(try await export(cluster, "finn").ids == ["finn-1"])
        }
    }

    @Test("with --consent required, a request without the field stores nothing, erases nothing and is not personalised")
    func consentRequired() async throws {
        let cluster = try await TestCluster.start(demo: false, extraGatewayArguments: ["--consent", "required"])
        defer { cluster.stop() }
        try await run(cluster) {
            let granted = try await send(cluster, [#"{"id":"gus-1","type":"view","user":"gus","product":"p-consent","personalization":"granted"}"#])
            #expect(granted["accepted"] as? Int == 1)
            let silent = try await send(cluster, [#"{"id":"gus-2","type":"view","user":"gus","product":"p-consent"}"#])
            #expect(silent["accepted"] as? Int == 0)
            #expect(silent["notStored"] as? Int == 1)
            let held = try await export(cluster, "gus")
            #expect(held.ids == ["gus-1"])
            #expect(held.body["erasedAt"] == nil)

            let answer = try await recommend(cluster, "gus", nil)
            #expect(answer["personalized"] as? Bool == false)
            #expect(answer["personalization"] as? String == "denied")
            #expect(try await recommend(cluster, "gus", "granted")["personalized"] as? Bool == true)

            // A value other than granted or denied is refused, naming the field.
            let (status, data) = try await cluster.post(
                "/v1/events", json: #"{"events":[{"type":"view","user":"gus","product":"p","personalization":"yes"}]}"#
            )
            #expect(status == 400)
            let error = Self.json(data)["error"] as? [String: Any]
            #expect(error?["field"] as? String == "events[0].personalization", "\(String(decoding: data, as: UTF8.self))")
        }
    }
}
}
