import Foundation
import TailorModel
import TailorOutcomes
import Testing

@testable import TailorGateway

/// Choosing a decision point's treatment by the experiment running on the point: the
/// same sticky, deterministic assignment as on a placement, one experiment per point.
@Suite struct ExperimentBookPointTests {
    static func onPoints(
        _ points: [String], variants: [ExperimentDefinition.Variant], allocation: ExperimentDefinition.Allocation = .fixed,
        context: ExperimentDefinition.ContextFact? = nil
    ) -> ExperimentDefinition {
        ExperimentDefinition(placements: [], objective: .conversions, allocation: allocation, variants: variants, context: context, points: points)
    }

    static let split = [ExperimentDefinition.Variant(name: "ten_percent", share: 0.8), .init(name: "free_shipping", share: 0.2)]

    static func book(_ experiments: [String: ExperimentDefinition]) throws -> ExperimentBook {
        let book = ExperimentBook(writer: "test")
        for (id, definition) in experiments.sorted(by: { $0.key < $1.key }) { _ = try book.put(id: id, definition: definition, by: "k") }
        return book
    }

    @Test func aShopperKeepsTheirTreatmentAndFixedSharesAreHonoured() throws {
        let book = try Self.book(["exit": Self.onPoints(["exit_offer"], variants: Self.split)])
        var chosen: [String: Int] = [:]
        for index in 0..<4_000 {
            let shopper = "shopper-\(index)"
            let first = try #require(book.assign(point: "exit_offer", shopper: shopper, context: nil, segment: nil))
            #expect(first.experiment == "exit" && first.context.isEmpty)
            let again = book.assign(point: "exit_offer", shopper: shopper, context: RecommendationContext(device: "mobile"), segment: "vip")
            #expect(again?.variant.name == first.variant.name)
            chosen[first.variant.name, default: 0] += 1
        }
        let share = Double(chosen["ten_percent", default: 0]) / 4_000
        #expect(abs(share - 0.8) < 0.03, "ten_percent got \(share) of shoppers")
        #expect(book.assign(point: "exit_offer", shopper: "s", context: nil, segment: nil)?.propensity == 0.8
            || book.assign(point: "exit_offer", shopper: "s", context: nil, segment: nil)?.propensity == 0.2)
    }

    @Test func pointsAndPlacementsAreAssignedApart() throws {
        let placement = ExperimentDefinition(
            placements: [.homeForYou], objective: .clicks, allocation: .fixed,
            variants: [.init(name: "a", share: 0.5), .init(name: "b", share: 0.5)]
        )
        let book = try Self.book(["exit": Self.onPoints(["exit_offer"], variants: Self.split), "home": placement])
        #expect(book.assign(point: "hero", shopper: "s", context: nil, segment: nil) == nil)
        #expect(book.assign(point: "exit_offer", shopper: "s", context: nil, segment: nil)?.experiment == "exit")
        #expect(book.assign(placement: .homeForYou, shopper: "s", context: nil)?.experiment == "home")
        #expect(book.assign(placement: .productSimilar, shopper: "s", context: nil) == nil)
    }

    @Test func aSegmentContextTakesTheShoppersFirstSegment() throws {
        let bandit = Self.onPoints(["hero"], variants: [.init(name: "a"), .init(name: "b")], allocation: .bandit, context: .segment)
        let book = try Self.book(["hero-test": bandit])
        let device = RecommendationContext(device: "mobile")
        #expect(book.assign(point: "hero", shopper: "s", context: device, segment: "VIP")?.context == "vip")
        #expect(book.assign(point: "hero", shopper: "s", context: device, segment: nil)?.context == "none")
        #expect(book.assign(point: "hero", shopper: "s", context: device, segment: "")?.context == "none")
        #expect(book.assign(point: "hero", shopper: "s", context: nil, segment: "vip")?.propensity == 0.5)
    }

    @Test func aSecondExperimentOnAPointIsRefusedNamingPoints() throws {
        let book = try Self.book(["exit": Self.onPoints(["exit_offer"], variants: Self.split)])
        let overlap = book.overlapping(Self.onPoints(["hero", "exit_offer"], variants: Self.split), except: "other")
        #expect(overlap == ExperimentBook.Overlap(id: "exit", field: "points", shared: "exit_offer", kind: "decision point"))
        #expect(book.overlapping(Self.onPoints(["exit_offer"], variants: Self.split), except: "exit") == nil)
        #expect(book.overlapping(Self.onPoints(["hero"], variants: Self.split), except: "other") == nil)
        let placement = ExperimentDefinition(
            placements: [.homeForYou], objective: .clicks, allocation: .fixed, variants: [.init(name: "a", share: 0.5), .init(name: "b", share: 0.5)]
        )
        #expect(book.overlapping(placement, except: "other") == nil)
    }
}
