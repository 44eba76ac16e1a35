import Testing
import TailorModel
import TailorTrust
@testable import TailorOutcomes

/// Decision ids (`decisionId`): recommendation ids that carry a decision point, so a
/// point's treatments are measured like recommendations, while the ids made before
/// decisions existed keep reading.
@Suite struct DecisionIDTests {
    static let start: Int64 = 1_780_000_000_000
    /// A version-1 id as the codec wrote it before decision points (no secret):
    /// product_similar, experiment `similar`, variant `personalised`, context `mobile`, p = 0.5.
    static let versionOneID = "AQAAAZ5wRIgAAAAAAAAAACoBAAAAAD8AAAAHc2ltaWxhcgxwZXJzb25hbGlzZWQGbW9iaWxl"
    static let versionOneRef = RecommendationRef(
        issuedMillis: start, nonce: 42, placement: .productSimilar, experiment: "similar", variant: "personalised",
        context: "mobile", propensity: 0.5
    )

    @Test func aVersionOneIDMadeBeforeStillReads() throws {
        let ref = try #require(RecommendationIDCodec.fields(ofID: Self.versionOneID))
        #expect(ref == Self.versionOneRef)
        #expect(!ref.isDecision && ref.point.isEmpty)
        #expect(ref.cell.placement == "product_similar")
        #expect(RecommendationIDCodec(secret: nil).decode(Self.versionOneID) == Self.versionOneRef)
    }

    @Test func recommendationIDsAreWrittenAsBefore() {
        #expect(RecommendationIDCodec(secret: nil).encode(Self.versionOneRef) == Self.versionOneID)
    }

    @Test func aDecisionIDRoundTripsAndCountsInItsPointsCell() throws {
        let codec = RecommendationIDCodec(secret: try ClusterSecret(text: "a-cluster-secret-long-enough-for-tests-0123456789"))
        let decision = RecommendationRef.decision(
            issuedMillis: Self.start, nonce: 7, point: "exit_offer", treatment: "ten_percent", experiment: "exit", context: "vip",
            propensity: 0.25
        )
        let id = codec.encode(decision)
        #expect(Base64URL.decode(id)?.first == 2)
        #expect(codec.decode(id) == decision)
        #expect(RecommendationIDCodec.fields(ofID: id) == decision)
        let cell = decision.cell
        #expect(cell.placement == "exit_offer" && cell.experiment == "exit" && cell.variant == "ten_percent" && cell.context == "vip")
        #expect(cell.day == CellKey.day(ofMillis: Self.start))
    }

    @Test func aDecisionWithoutExperimentStillNamesItsTreatment() throws {
        let codec = RecommendationIDCodec(secret: nil)
        let decision = RecommendationRef.decision(issuedMillis: Self.start, nonce: 8, point: "hero", treatment: "summer")
        let ref = try #require(codec.decode(codec.encode(decision)))
        #expect(ref.point == "hero" && ref.variant == "summer" && ref.experiment.isEmpty && ref.propensity == 1)
        #expect(ref.cell.placement == "hero")
    }

    @Test func aTamperedDecisionIDIsRefused() throws {
        let codec = RecommendationIDCodec(secret: try ClusterSecret(text: "a-cluster-secret-long-enough-for-tests-0123456789"))
        var bytes = try #require(Base64URL.decode(codec.encode(.decision(issuedMillis: Self.start, nonce: 9, point: "hero", treatment: "a"))))
        bytes[bytes.count - 12] ^= 1 // the point's last byte, before the MAC
        #expect(codec.decode(Base64URL.encode(bytes)) == nil)
    }
}
