import Testing
import TailorDemo
import TailorEval
import TailorJourneys
import TailorModel

/// Churn risk on the demo shop's repeat buyers, some of whom stop buying: it must
/// rank those who stopped above those who did not better than recency alone does.
@Suite struct ChurnDemoTests {
    /// The standard demo's repeat buyers against the shop's distribution of them
    /// (generating the 50,000 shoppers too would make the test slow; `tailor eval
    /// churn` includes them).
    static let evaluation = ChurnEvaluation(configuration: .standard, nowMillis: Evaluation.nowMillis, shopShoppers: false)

    @Test(arguments: ChurnEvaluation.Split.allCases)
    func churnRiskRanksChurnersAboveRecencyAlone(split: ChurnEvaluation.Split) {
        let result = Self.evaluation.run(split: split)
        #expect(result.churners > 100 && result.stayers > 100, "both classes well represented")
        #expect(result.churnRiskAUC > 0.5)
        #expect(result.churnRiskAUC > result.recencyAUC, "churn_risk \(result.churnRiskAUC), recency \(result.recencyAUC)")
    }

    @Test func theDemoTruthMatchesTheEvents() {
        let shop = DemoShop()
        let buyers = (0..<50).map { shop.repeatBuyer($0, endingAtMillis: Evaluation.nowMillis) }
        for buyer in buyers {
            #expect(buyer.id == DemoIDs.shopper(DemoIDs.standardShopperCount + buyer.index))
            if let stopped = buyer.churnedAtMillis {
                #expect(buyer.events.allSatisfy { $0.atMillis < stopped }, "no order after stopping")
            }
            #expect(buyer == shop.repeatBuyer(buyer.index, endingAtMillis: Evaluation.nowMillis), "deterministic")
        }
    }

    @Test func aucCountsTiesAsHalf() {
        #expect(ChurnEvaluation.auc(scores: [1, 2, 3, 4], positives: [false, false, true, true]) == 1)
        #expect(ChurnEvaluation.auc(scores: [4, 3, 2, 1], positives: [false, false, true, true]) == 0)
        #expect(ChurnEvaluation.auc(scores: [1, 1, 1, 1], positives: [false, true, false, true]) == 0.5)
        #expect(ChurnEvaluation.auc(scores: [1, 2, 2, 3], positives: [false, true, false, true]) == 0.875)
    }
}
