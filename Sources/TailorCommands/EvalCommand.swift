import ArgumentParser
import TailorClient
import Foundation
import TailorDemo
import TailorModel
import TailorEval
import TailorSettings

/// `tailor eval`: recommendation quality on a shop's interaction sequences, through
/// the scoring code the cluster runs.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure HR@k and NDCG@k on interaction sequences (full ranking, leave-one-out) through Tailor's scoring path.",
        discussion: """
            Reads a sequence file (one shopper a line: user item1 item2 …, in time order) and, optionally, \
            its _item2attributes.json (each item's attributes become its tags), or with --demo the demo shop's \
            simulated shoppers and its own products, costs and stock; holds out each shopper's last item (or, \
            with --target validation, scores the second-last with the last two held out, for tuning); builds \
            the catalog partitions and shopper profiles the nodes build from the remaining events; ranks every \
            item for each shopper except those they interacted with; prints HR@k, NDCG@k, catalog coverage, \
            the top 5's mean margin and overstocked share (when the shop has costs and stock) and the time taken. \
            With --demo --churn it measures churn risk instead (docs/quality.md, "Churn risk").
            """
    )

    @Option(help: "The sequence file.")
    var sequences: String?

    @Option(help: "The item attributes file (JSON: item → [attribute]); the attributes become the items' tags.")
    var attributes: String?

    @Flag(help: "Evaluate on the demo shop (tailor local's data) instead of a file.")
    var demo = false

    @Option(help: "With --demo: simulated shoppers (default: the demo shop's 50,000).")
    var demoShoppers: Int?

    @Option(help: "With --demo: also write the dataset as DIR/Demo.txt and DIR/Demo_item2attributes.json (for scripts/eval-peers).")
    var writeDataset: String?

    @Flag(help: "With --demo: churn risk's AUC against recency alone on the demo's repeat buyers (--target picks the half).")
    var churn = false

    @Flag(help: "With --churn: first search the weights on the validation half and print the best.")
    var churnSearch = false

    @Option(help: "Cut-offs, comma-separated.")
    var k = "10,20"

    @Option(help: "test (the last item of each shopper) or validation (the second-last; the last two held out).")
    var target = "test"

    @Option(help: "conversion, margin, stock, or all (one row each).")
    var strategy = "conversion"

    @Option(help: "Signals to leave out, comma-separated: \(Evaluation.Signal.allCases.map(\.rawValue).joined(separator: ", ")).")
    var without = ""

    @Option(help: "Signal weights replacing home_for_you's defaults, as a request's weights: JSON, e.g. '{\"content\":0.15}'.")
    var weights: String?

    @Flag(help: "Also run once without each signal in turn (the ablation).")
    var ablation = false

    @Option(help: "Also run the protocol through a running cluster's public API at this gateway URL (one holding nothing else: tailor local --no-demo), for a sample of shoppers.")
    var cluster: String?

    @Option(help: "With --cluster: shoppers asked (every n-th evaluated shopper). The key sent is TAILOR_API_KEY's (a private or admin key), if set.")
    var clusterUsers = 1_000

    @Option(help: "With --cluster: the training events end this long ago instead of now (e.g. 365d, at most 3650d): a shopper coming back after a season.")
    var historyEnds: String?

    @Option(help: "Catalog partitions (as in the cluster).")
    var partitions = 8

    @Option(help: "Only the first N shoppers of the file (quick checks).")
    var maxUsers: Int?

    @Option(help: "Also write the results as a JSON array to this file.")
    var json: String?

    func validate() throws {
        guard (sequences == nil) != !demo else { throw ValidationError("give either --sequences FILE or --demo") }
        if attributes != nil, demo { throw ValidationError("--attributes goes with --sequences; the demo shop has its own") }
        if demoShoppers != nil || writeDataset != nil, !demo { throw ValidationError("--demo-shoppers and --write-dataset go with --demo") }
        if let demoShoppers, !(10...1_000_000).contains(demoShoppers) { throw ValidationError("--demo-shoppers must be 10...1000000") }
        if churn || churnSearch { return try validateChurn() }
        guard !parsedK.isEmpty, parsedK.allSatisfy({ (1...150).contains($0) }) else {
            throw ValidationError("--k: '\(k)' must be comma-separated cut-offs in 1...150")
        }
        guard Evaluation.Target(rawValue: target) != nil else { throw ValidationError("--target must be test or validation") }
        guard strategy == "all" || Strategy(rawValue: strategy) != nil else {
            throw ValidationError("--strategy must be conversion, margin, stock or all")
        }
        for name in withoutNames where Evaluation.Signal(rawValue: name) == nil {
            throw ValidationError("--without: unknown signal '\(name)' (known: \(Evaluation.Signal.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if weights != nil, cluster != nil { throw ValidationError("--weights applies to the in-process run only") }
        _ = try parsedWeights()
        guard (1...256).contains(partitions) else { throw ValidationError("--partitions must be 1...256") }
        if let maxUsers, maxUsers < 1 { throw ValidationError("--max-users must be at least 1") }
        if let cluster {
            guard let url = URL(string: cluster), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--cluster: '\(cluster)' is not an http(s) URL")
            }
            guard strategy == "conversion", withoutNames.isEmpty, !ablation else {
                throw ValidationError("--cluster runs the default model only (no --strategy, --without or --ablation)")
            }
        }
        guard (1...100_000).contains(clusterUsers) else { throw ValidationError("--cluster-users must be 1...100000") }
        if let historyEnds {
            guard cluster != nil else { throw ValidationError("--history-ends goes with --cluster") }
            guard let ago = DurationText.parse(historyEnds), ago <= .seconds(3_650 * 86_400) else {
                throw ValidationError("--history-ends: '\(historyEnds)' is not a duration of at most 3650d (e.g. 365d)")
            }
        }
    }

    private func parsedWeights() throws -> SignalWeightOverrides? {
        guard let weights else { return nil }
        do {
            let overrides = try JSONDecoder().decode(SignalWeightOverrides.self, from: Data(weights.utf8))
            try overrides.validate(field: "--weights")
            return overrides
        } catch let error as TailorModel.ValidationError {
            throw ArgumentParser.ValidationError("\(error)")
        } catch {
            throw ValidationError("--weights: '\(weights)' is not a JSON object of signal → weight (\(error))")
        }
    }

    private var parsedK: [Int] { k.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.sorted() }
    private var withoutNames: [String] { without.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    func run() async throws {
        if churn { return runChurn() }
        let dataset: EvalDataset
        if demo {
            var configuration = DemoShop.Configuration.standard
            if let demoShoppers { configuration.shopperCount = demoShoppers }
            dataset = EvalDataset.demo(configuration: configuration, endingAtMillis: Evaluation.nowMillis)
            if let writeDataset {
                try dataset.write(to: writeDataset, name: "Demo")
                print("tailor eval: wrote \(writeDataset)/Demo.txt and \(writeDataset)/Demo_item2attributes.json")
            }
        } else {
            dataset = try EvalDataset.load(sequences: sequences ?? "", attributes: attributes, maxShoppers: maxUsers)
        }
        let base = Set(withoutNames.compactMap(Evaluation.Signal.init(rawValue:)))
        let strategies: [Strategy] = strategy == "all" ? Strategy.allCases : [Strategy(rawValue: strategy)!]
        var runs: [(label: String, strategy: Strategy, without: Set<Evaluation.Signal>)] = strategies.map { (label(for: $0, without: base), $0, base) }
        if ablation {
            for signal in Evaluation.Signal.allCases where !base.contains(signal) {
                runs.append((label(for: strategies[0], without: base.union([signal])), strategies[0], base.union([signal])))
            }
        }

        var results: [Evaluation.Result] = []
        var printedHeader = false
        for run in runs {
            var evaluation = Evaluation(
                dataset: dataset, ks: parsedK, partitionCount: partitions, target: Evaluation.Target(rawValue: target)!
            )
            evaluation.strategy = run.strategy
            evaluation.without = run.without
            evaluation.overrides = try parsedWeights()
            let result = evaluation.run()
            if !printedHeader {
                printedHeader = true
                print("tailor eval: \(result.shoppers) shoppers evaluated (\(result.skipped) with fewer than 3 interactions skipped), \(result.items) items, \(result.trainingEvents) training events, target \(result.target); \(dataset.attributes.count) items with attributes")
                let header = parsedK.map { "HR@\($0) | NDCG@\($0)" }.joined(separator: " | ")
                print("| model | \(header) | coverage | margin top 5 | overstocked top 5 | build s | score s |")
                print("| --- |" + String(repeating: " ---: |", count: 2 * parsedK.count + 5))
            }
            let cells = parsedK.map { String(format: "%.4f | %.4f", result.hitRate[$0] ?? 0, result.ndcg[$0] ?? 0) }.joined(separator: " | ")
            let margin = result.marginTop5.map { String(format: "%.3f", $0) } ?? "–"
            let overstocked = result.overstockedTop5.map { String(format: "%.3f", $0) } ?? "–"
            print("| \(run.label) | \(cells) | \(String(format: "%.4f", result.coverage)) | \(margin) | \(overstocked) | \(String(format: "%.1f", result.buildSeconds)) | \(String(format: "%.1f", result.scoreSeconds)) |")
            results.append(result)
        }
        if let cluster {
            var remote = ClusterEvaluation(
                dataset: dataset, ks: parsedK, target: Evaluation.Target(rawValue: target)!,
                gateway: cluster.hasSuffix("/") ? String(cluster.dropLast()) : cluster, sample: clusterUsers
            )
            remote.apiKey = try APIKeyOption.read(file: nil)
            remote.historyEndsAgoSeconds = historyEnds.flatMap(DurationText.parse).map(DurationText.seconds) ?? 0
            let outcome = try await remote.run()
            // The same shoppers in-process, for a like-with-like row.
            var local = Evaluation(dataset: dataset, ks: parsedK, partitionCount: partitions, target: Evaluation.Target(rawValue: target)!)
            local.onlyShoppers = Set(outcome.shoppers)
            let same = local.run()
            let agreeing = outcome.shoppers.count { outcome.ranks[$0] == same.ranks[$0] }
            print("")
            print("through the cluster at \(cluster): \(outcome.eventsWritten) events written (history ending \(historyEnds.map { "\($0) ago" } ?? "now")), \(outcome.shoppers.count) shoppers asked; load \(String(format: "%.1f", outcome.loadSeconds)) s, questions \(String(format: "%.1f", outcome.askSeconds)) s (tookMs median \(String(format: "%.1f", outcome.tookMsMedian)), p99 \(String(format: "%.1f", outcome.tookMsP99))); \(outcome.degradedAnswers) degraded, \(outcome.failedAnswers) failed answers")
            let header = parsedK.map { "HR@\($0) | NDCG@\($0)" }.joined(separator: " | ")
            print("| model (same \(outcome.shoppers.count) shoppers) | \(header) |")
            print("| --- |" + String(repeating: " ---: |", count: 2 * parsedK.count))
            for (label, hitRate, ndcg) in [("tailor, in-process", same.hitRate, same.ndcg), ("tailor, through the cluster", outcome.hitRate, outcome.ndcg)] {
                let cells = parsedK.map { String(format: "%.4f | %.4f", hitRate[$0] ?? 0, ndcg[$0] ?? 0) }.joined(separator: " | ")
                print("| \(label) | \(cells) |")
            }
            print("the held-out item's rank is the same for \(agreeing) of \(outcome.shoppers.count) shoppers")
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: json))
        }
    }

    private func label(for strategy: Strategy, without: Set<Evaluation.Signal>) -> String {
        var label = "tailor"
        if strategy != .conversion { label += " (\(strategy.rawValue))" }
        if !without.isEmpty { label += " without " + without.map(\.rawValue).sorted().joined(separator: ", ") }
        return label
    }
}
