import Foundation
import TailorJourneys
import TailorModel
import Testing
@testable import TailorCommands
@testable import TailorLab
@testable import TailorEval
@testable import TailorSettings
@testable import TailorProcess
@testable import TailorClient
@testable import TailorTesting

/// `tailor-lab load` sends what a shop would: valid requests, the documented placement
/// shares, the same stream for the same seed.
@Suite("tailor-lab load's request mix")
struct LoadMixTests {
    @Test("every request it makes passes the API's validation")
    func requestsAreValid() throws {
        var mix = LoadMix(configuration: .defaults)
        for _ in 0..<2_000 {
            switch mix.next() {
            case .recommendation(let request): try request.validate()
            case .events(let batch): try batch.validate(now: .now)
            case .decision(let request): try request.validate()
            }
        }
    }

    @Test("a mix of only decisions and one of only recommendations ask for the same visits, valid ones")
    func onlyMixes() throws {
        func mix(_ kind: LoadKind) -> LoadMix {
            var configuration = LoadMix.Configuration.defaults
            configuration.only = kind
            return LoadMix(configuration: configuration)
        }
        var decisions = mix(.decisions)
        var recommendations = mix(.recommendations)
        var exitIntents = 0
        for _ in 0..<1_000 {
            guard case .decision(let decision) = decisions.next(), case .recommendation(let recommendation) = recommendations.next() else {
                Issue.record("an only mix sent another kind")
                return
            }
            try decision.validate()
            try recommendation.validate()
            #expect(recommendation.placement == .homeForYou && recommendation.strategy == nil)
            #expect(decision.recommendation(.homeForYou) == recommendation)
            if decision.context?.exitIntent == true { exitIntents += 1 }
        }
        #expect((200...300).contains(exitIntents))
    }

    @Test("the same seed gives the same requests, another seed others")
    func seeded() {
        var first = LoadMix(configuration: .defaults)
        var second = LoadMix(configuration: .defaults)
        var other = LoadMix(configuration: { var c = LoadMix.Configuration.defaults; c.seed = 99; return c }())
        let a = (0..<200).map { _ in first.nextRecommendation() }
        #expect(a == (0..<200).map { _ in second.nextRecommendation() })
        #expect(a != (0..<200).map { _ in other.nextRecommendation() })
    }

    @Test("placements follow the documented shares")
    func placementShares() {
        var mix = LoadMix(configuration: .defaults)
        var counts: [Placement: Int] = [:]
        let total = 20_000
        for _ in 0..<total { counts[mix.nextRecommendation().placement, default: 0] += 1 }
        let expected: [Placement: Double] = [
            .homeForYou: 0.30, .productSimilar: 0.30, .cartAddons: 0.15, .searchRerank: 0.10, .checkoutOffer: 0.10, .postOrderEmail: 0.05,
        ]
        for (placement, share) in expected {
            let seen = Double(counts[placement, default: 0]) / Double(total)
            #expect(abs(seen - share) < 0.02, "\(placement): \(seen)")
        }
    }

    @Test("durations parse the way the options document", arguments: [
        ("30s", Duration.seconds(30)), ("500ms", .milliseconds(500)), ("2m", .seconds(120)), ("1.5s", .milliseconds(1500)),
    ])
    func durations(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test("bad durations are refused", arguments: ["abc", "", "-1s", "5 s"])
    func badDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }
}
