import ArgumentParser
import Foundation
import TailorDemo
import TailorModel
import Testing
@testable import TailorCommands
@testable import TailorLab
@testable import TailorEval
@testable import TailorSettings
@testable import TailorProcess
@testable import TailorClient
@testable import TailorTesting

/// `tailor eval`'s protocol: what is held out, what trains, and that the scoring path
/// finds what the sequences predict.
@Suite("tailor eval's leave-one-out protocol")
struct EvalProtocolTests {
    /// Shoppers walking a chain of 200 items (i → i+1 → …) from different starts.
    private func chainDataset(shoppers: Int, length: Int) -> EvalDataset {
        let sequences = (0..<shoppers).map { shopper in
            (shopper: "u\(shopper)", items: (0..<length).map { step in "\((shopper * 7 + step) % 200)" })
        }
        return EvalDataset(sequences: sequences, attributes: [:])
    }

    @Test("on sequences that follow a chain, the held-out next item is found (test and validation targets)")
    func chainIsPredicted() {
        let dataset = chainDataset(shoppers: 400, length: 6)
        for target in Evaluation.Target.allCases {
            let result = Evaluation(dataset: dataset, ks: [1, 10], partitionCount: 4, target: target).run()
            #expect(result.shoppers == 400)
            #expect(result.trainingEvents == 400 * (target == .test ? 5 : 4))
            #expect(result.hitRate[10]! > 0.9, "\(target): HR@10 \(result.hitRate[10]!)")
            #expect(result.ndcg[10]! <= result.hitRate[10]!)
        }
    }

    @Test("a held-out item never seen in training is never found, and short shoppers are skipped but train")
    func heldOutItemsDoNotTrain() {
        // Each shopper's last item is their own, seen nowhere else.
        var dataset = chainDataset(shoppers: 200, length: 5)
        for index in dataset.sequences.indices { dataset.sequences[index].items.append("only-\(index)") }
        dataset.sequences.append((shopper: "short", items: ["1", "2"]))
        let result = Evaluation(dataset: dataset, ks: [10, 20], partitionCount: 2, target: .test).run()
        #expect(result.shoppers == 200)
        #expect(result.skipped == 1)
        #expect(result.trainingEvents == 200 * 5 + 1)
        #expect(result.hitRate[20] == 0)
    }

    @Test("a line with a shopper and no item is refused, naming the line")
    func badLineIsRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-eval-\(UUID().uuidString).txt")
        try "1 10 11 12\n2\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect { _ = try EvalDataset.load(sequences: file.path, attributes: nil, maxShoppers: nil) } throws: { "\($0)".contains("line 2") }
    }

    @Test("on the demo shop the margin strategy raises the top 5's margin and the stock strategy its overstocked share")
    func strategiesMoveTheTopFive() throws {
        let dataset = EvalDataset.demo(
            configuration: DemoShop.Configuration(productCount: 2_000, shopperCount: 1_500), endingAtMillis: Evaluation.nowMillis
        )
        #expect(dataset.sequences.count > 300)
        var results: [Strategy: Evaluation.Result] = [:]
        for strategy in Strategy.allCases {
            var evaluation = Evaluation(dataset: dataset, ks: [10], partitionCount: 4, target: .test)
            evaluation.strategy = strategy
            results[strategy] = evaluation.run()
        }
        let conversion = try #require(results[.conversion])
        #expect(conversion.hitRate[10]! > 0.05)
        #expect(try #require(results[.margin]?.marginTop5) > (try #require(conversion.marginTop5)) + 0.02)
        #expect(try #require(results[.stock]?.overstockedTop5) > (try #require(conversion.overstockedTop5)) + 0.1)
    }

    @Test("leaving the co-occurrence out of a chain loses what it predicts")
    func ablationRemovesASignal() {
        let dataset = chainDataset(shoppers: 400, length: 6)
        var evaluation = Evaluation(dataset: dataset, ks: [10], partitionCount: 4, target: .test)
        evaluation.without = [.cooccurrence]
        let without = evaluation.run()
        #expect(without.without == ["cooccurrence"])
        #expect(without.hitRate[10]! < 0.5, "HR@10 without co-occurrence \(without.hitRate[10]!)")
    }

    @Test("eval's flags are checked, naming the flag: one source, known signals and strategies, weights as JSON")
    func flagsAreChecked() {
        let refused: [([String], String)] = [
            ([], "--sequences"),
            (["--sequences", "a.txt", "--demo"], "--sequences"),
            (["--demo", "--attributes", "a.json"], "--attributes"),
            (["--sequences", "a.txt", "--without", "colour"], "--without"),
            (["--sequences", "a.txt", "--strategy", "cheap"], "--strategy"),
            (["--sequences", "a.txt", "--weights", "content=1"], "--weights"),
            (["--sequences", "a.txt", "--weights", "{\"content\":-1}"], "--weights"),
            (["--sequences", "a.txt", "--cluster", "localhost:8080"], "--cluster"),
        ]
        for (arguments, flag) in refused {
            do {
                _ = try EvalCommand.parse(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                #expect(EvalCommand.message(for: error).contains(flag), "\(arguments): \(EvalCommand.message(for: error))")
            }
        }
        #expect(throws: Never.self) { _ = try EvalCommand.parse(["--demo", "--strategy", "all", "--ablation", "--weights", "{\"content\":0.1}"]) }
    }
}
