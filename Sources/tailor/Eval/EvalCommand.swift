import ArgumentParser
import Foundation

/// `tailor eval`: recommendation quality on a shop's interaction sequences, through
/// the scoring code the cluster runs.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure HR@k and NDCG@k on interaction sequences (full ranking, leave-one-out) through Tailor's scoring path.",
        discussion: """
            Reads a sequence file (one shopper a line: user item1 item2 …, in time order) and, optionally, \
            its _item2attributes.json; holds out each shopper's last item (or, with --target validation, \
            scores the second-last with the last two held out, for tuning); builds the catalog partitions \
            and shopper profiles the nodes build from the remaining events; ranks every item for each \
            shopper except those they interacted with; prints HR@k, NDCG@k, catalog coverage and the time taken.
            """
    )

    @Option(help: "The sequence file.")
    var sequences: String

    @Option(help: "The item attributes file (JSON: item → [attribute]); read and counted, not yet used by the scorer.")
    var attributes: String?

    @Option(help: "Cut-offs, comma-separated.")
    var k = "10,20"

    @Option(help: "test (the last item of each shopper) or validation (the second-last; the last two held out).")
    var target = "test"

    @Option(help: "Catalog partitions (as in the cluster).")
    var partitions = 8

    @Option(help: "Only the first N shoppers of the file (quick checks).")
    var maxUsers: Int?

    @Option(help: "Also write the result as JSON to this file.")
    var json: String?

    func validate() throws {
        guard !parsedK.isEmpty, parsedK.allSatisfy({ (1...150).contains($0) }) else {
            throw ValidationError("--k: '\(k)' must be comma-separated cut-offs in 1...150")
        }
        guard Evaluation.Target(rawValue: target) != nil else { throw ValidationError("--target must be test or validation") }
        guard (1...256).contains(partitions) else { throw ValidationError("--partitions must be 1...256") }
        if let maxUsers, maxUsers < 1 { throw ValidationError("--max-users must be at least 1") }
    }

    private var parsedK: [Int] { k.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.sorted() }

    func run() throws {
        let dataset = try EvalDataset.load(sequences: sequences, attributes: attributes, maxUsers: maxUsers)
        let evaluation = Evaluation(dataset: dataset, ks: parsedK, partitionCount: partitions, target: Evaluation.Target(rawValue: target)!)
        let result = evaluation.run()
        print("tailor eval: \(result.users) shoppers evaluated (\(result.skipped) with fewer than 3 interactions skipped), \(result.items) items, \(result.trainingEvents) training events, target \(result.target); \(dataset.attributes.count) items with attributes (not used yet)")
        let header = parsedK.map { "HR@\($0) | NDCG@\($0)" }.joined(separator: " | ")
        print("| model | \(header) | coverage | build s | score s |")
        print("| --- |" + String(repeating: " ---: |", count: 2 * parsedK.count + 3))
        let cells = parsedK.map { String(format: "%.4f | %.4f", result.hitRate[$0] ?? 0, result.ndcg[$0] ?? 0) }.joined(separator: " | ")
        print("| tailor | \(cells) | \(String(format: "%.4f", result.coverage)) | \(String(format: "%.1f", result.buildSeconds)) | \(String(format: "%.1f", result.scoreSeconds)) |")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(result).write(to: URL(fileURLWithPath: json))
        }
    }
}
