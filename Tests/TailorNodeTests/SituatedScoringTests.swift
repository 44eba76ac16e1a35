import Foundation
import HTTPTypes
import Logging
import TailorCommands
import TailorDemo
import TailorHTTP2
import TailorMembership
import TailorModel
@testable import TailorNode
import TailorScoring
import TailorStore
import TailorWire
import Testing
import TailorTrust
import TailorGossip

/// A node asked to score for a shopper it holds builds the situation itself
/// (scoring.proto, ScoreRequest.user): its answer must be the one it gives for the
/// situation the gateway would have read from it and merged.
@Suite("Situated scoring on a node")
struct SituatedScoringTests {
    static let endingAt: Int64 = 1_790_000_000_000

    /// One member holding every partition of the small demo shop.
    static func node(member: String = "n1", members: [String] = ["n1"]) throws -> NodeHandlers {
        let shardMap = ShardMap(partitionCount: 8, replicationFactor: 1, members: members)
        let table = PartitionTable()
        let readiness = Readiness()
        _ = try SeedLoader.load(
            .init(endingAtMillis: endingAt, source: DemoSeed(shop: DemoShop(configuration: .small))), shardMap: shardMap, member: member, into: table
        )
        for partition in table.partitions { table.markComplete(partition) }
        readiness.markReady()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tailor-scoring-\(UUID().uuidString).sqlite").path
        let store = try NodeStore(path: path)
        let data = NodeData(table: table, store: store, shardMap: shardMap)
        let replication = Replication(member: member, data: data, client: HTTP2Client(), trust: .open, settings: .defaults, logger: Logger(label: "test")) {
            Replication.Peers(map: shardMap, endpoints: [:])
        }
        return NodeHandlers(
            member: member, shardMap: shardMap, data: data, readiness: readiness, replication: replication, failpoint: nil,
            configStore: try NodeConfigurationStore(store: store), gossip: GossipServiceHolder(member: member)
        )
    }

    static func request(placement: Placement, partitions: Int) -> WireScoreRequest {
        var score = WireScoreRequest()
        score.partitions = (0..<UInt32(partitions)).map { $0 }
        score.weights = WireSignals(ScoringWeights.resolve(placement: placement, strategy: .conversion, overrides: nil))
        score.k = 10
        score.filters = WireFilters(RecommendationFilters())
        score.placement = placement.rawValue
        score.nowMillis = endingAt
        return score
    }

    @Test("the node's own situation gives the answer the gateway-built one gives")
    func sameAnswerBothWays() async throws {
        let node = try Self.node()
        // A shopper of the demo with history.
        var found: String?
        var profile = Situation()
        for index in 0..<200 {
            var ask = WireSituationRequest()
            ask.user = DemoIDs.shopper(index)
            ask.nowMillis = Self.endingAt
            let answer = try await node.situation(ask)
            if answer.known, !answer.situation.itemProducts.isEmpty {
                found = ask.user
                profile = answer.situation.model
                break
            }
        }
        let shopper = try #require(found)
        let cartItem = ProductRef(id: DemoIDs.product(3), category: "Home > Kitchen", brand: "Acme", price: 20)
        let contexts = [
            SituationContext(placement: .homeForYou),
            SituationContext(placement: .cartAddons, cart: [cartItem], exclude: ["unknown-product"]),
            SituationContext(placement: .homeForYou, query: "warm jacket"),
        ]
        var answers: [[String]] = []
        for context in contexts {
            var viaGateway = Self.request(placement: context.placement, partitions: 8)
            viaGateway.situation = WireSituation(SituationBuilder.merge(profile: profile, context: context))
            var situated = Self.request(placement: context.placement, partitions: 8)
            situated.user = shopper
            situated.context = WireSituationContext(context)
            let expected = try await node.score(viaGateway)
            let got = try await node.score(situated)
            #expect(got == expected)
            #expect(!got.ranked.isEmpty)
            answers.append(got.ranked.map(\.product))
        }
        // The context is not ignored: the cart and the query change the answer.
        #expect(answers[0] != answers[1])
        #expect(answers[0] != answers[2])
    }

    @Test("a node that does not hold the shopper's partition scores nothing and asks for the situation")
    func misdirected() async throws {
        let members = ["n1", "n2"]
        let node = try Self.node(member: "n1", members: members)
        let shardMap = ShardMap(partitionCount: 8, replicationFactor: 1, members: members)
        let elsewhere = try #require((0..<500).map(DemoIDs.shopper).first { shardMap.replicas(ofKey: $0) == ["n2"] })
        var situated = Self.request(placement: .homeForYou, partitions: 0)
        situated.partitions = shardMap.partitions(heldBy: "n1").map(UInt32.init)
        situated.user = elsewhere
        let response = try await node.score(situated)
        #expect(response.situationUnavailable)
        #expect(response.answered.isEmpty && response.ranked.isEmpty)
    }
}
