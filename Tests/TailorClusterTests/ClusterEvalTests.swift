import Foundation
import Testing
@testable import TailorCommands
@testable import TailorLab
@testable import TailorEval
@testable import TailorSettings
@testable import TailorProcess
@testable import TailorClient
@testable import TailorTesting

extension ProcessSuites {
    /// `tailor eval --cluster`: the protocol through real processes' public API.
    @Suite("tailor eval through a running cluster", .serialized)
    struct ClusterEvalTests {
        @Test("shoppers walking a chain get the next item from the cluster, as they do in-process")
        func chainThroughTheCluster() async throws {
            let cluster = try await TestCluster.start(demo: false)
            defer { cluster.stop() }
            let sequences = (0..<300).map { shopper in
                (shopper: "u\(shopper)", items: (0..<6).map { step in "\((shopper * 7 + step) % 200)" })
            }
            let dataset = EvalDataset(sequences: sequences, attributes: [:])
            // With the tool's own settle time: a write is acknowledged once W replicas
            // stored it, and its co-occurrence reaches the last replica moments later.
            var remote = ClusterEvaluation(
                dataset: dataset, ks: [10], target: .test, gateway: cluster.gatewayURL.absoluteString, sample: 100
            )
            remote.apiKey = cluster.credentials.adminKey
            let outcome = try await remote.run()
            #expect(outcome.shoppers.count == 100)
            #expect(outcome.eventsWritten == 300 * 5)
            #expect(outcome.failedAnswers == 0)
            #expect(outcome.hitRate[10]! > 0.9, "HR@10 through the cluster \(outcome.hitRate[10]!)")

            var local = Evaluation(dataset: dataset, ks: [10], partitionCount: 8, target: .test)
            local.onlyShoppers = Set(outcome.shoppers)
            let same = local.run()
            #expect(abs(same.hitRate[10]! - outcome.hitRate[10]!) < 0.05)
        }
    }
}
