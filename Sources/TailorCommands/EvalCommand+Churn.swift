import ArgumentParser
import Foundation
import TailorDemo
import TailorEval
import TailorJourneys

/// `tailor eval --demo --churn`: how well churn risk ranks the demo's repeat buyers
/// who stopped buying above those who did not, against recency alone (days since the
/// last purchase), on the same buyers in the same run.
///
/// The demo shop (its shoppers and its repeat buyers) ends at the evaluation's fixed
/// clock; the shop's distribution is built from all of them; `--target` picks the
/// half of the repeat buyers (test is the reported one, validation the one the
/// weights were chosen on with `--churn-search`).
extension EvalCommand {
    func validateChurn() throws {
        guard churn, demo else { throw ValidationError("--churn goes with --demo (the churn truth is the demo's), --churn-search with --churn") }
        guard ChurnEvaluation.Split(rawValue: target) != nil else { throw ValidationError("--target must be test or validation") }
        let others = [
            ("--write-dataset", writeDataset != nil), ("--cluster", cluster != nil), ("--weights", weights != nil),
            ("--without", !without.isEmpty), ("--ablation", ablation), ("--strategy", strategy != "conversion"), ("--json", json != nil),
        ]
        if let (name, _) = others.first(where: { $0.1 }) { throw ValidationError("\(name) does not apply to --churn") }
    }

    func runChurn() {
        var configuration = DemoShop.Configuration.standard
        if let demoShoppers { configuration.shopperCount = demoShoppers }
        let started = Date()
        let evaluation = ChurnEvaluation(configuration: configuration, nowMillis: Evaluation.nowMillis)
        let distribution = evaluation.distribution
        print("tailor eval --churn: \(distribution.purchasers) purchasers in the shop's distribution (median interval \(Self.format(distribution.medianIntervalDays, 1)) days), \(evaluation.buyers.count) repeat buyers with an order")
        if churnSearch {
            let best = evaluation.search()
            print("best of \(ChurnEvaluation.grid.count) weightings on the validation half: \(Self.describe(best.weights)) (AUC \(Self.format(best.auc, 4)))")
        }
        let result = evaluation.run(split: ChurnEvaluation.Split(rawValue: target)!)
        print("| half | churners | non-churners | weights | AUC churn_risk | AUC recency | ratio |")
        print("| --- | ---: | ---: | --- | ---: | ---: | ---: |")
        print("| \(result.split.rawValue) | \(result.churners) | \(result.stayers) | \(Self.describe(result.weights)) | \(Self.format(result.churnRiskAUC, 4)) | \(Self.format(result.recencyAUC, 4)) | \(Self.format(result.churnRiskAUC / result.recencyAUC, 3)) |")
        print("in \(Self.format(Date().timeIntervalSince(started), 1)) s")
    }

    static func describe(_ weights: ChurnRisk.Weights) -> String {
        "gap \(format(weights.gap, 1)), recency \(format(weights.recency, 1)), frequency \(format(weights.frequency, 1)), monetary \(format(weights.monetary, 1)), k \(format(weights.priorIntervals, 0))"
    }

    private static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}
