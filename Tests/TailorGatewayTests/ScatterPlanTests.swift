import TailorMembership
import Testing

@testable import TailorGateway

@Suite("Scatter plans restricted to some members")
struct ScatterPlanTests {
    @Test("with 3 members and R = 2, the two replicas of any shopper cover every catalog partition")
    func anyPairCovers() throws {
        let map = ShardMap(partitionCount: 32, replicationFactor: 2, members: ["n1", "n2", "n3"])
        let readOrders = (0..<32).map(map.replicas(of:))
        for shopper in ["u1", "u2", "u3", "u42", "shopper-7"] {
            let holders = Set(map.replicas(ofKey: shopper))
            let plan = try #require(ScatterPlan.within(holders, readOrders: readOrders))
            #expect(Set(plan.keys).isSubset(of: holders))
            let planned = plan.values.flatMap { $0 }.map(Int.init).sorted()
            #expect(planned == Array(0..<32))
            for (member, partitions) in plan {
                for partition in partitions { #expect(map.replicas(of: Int(partition)).contains(member)) }
            }
        }
    }

    @Test("each partition goes to the first listed member of its read order")
    func followsReadOrder() {
        let plan = ScatterPlan.within(["a", "b"], readOrders: [["a", "b"], ["b", "a"], ["c", "b"]])
        #expect(plan == ["a": [0], "b": [1, 2]])
    }

    @Test("a partition with no replica among the members gives no plan")
    func uncovered() {
        #expect(ScatterPlan.within(["a"], readOrders: [["a", "b"], ["b", "c"]]) == nil)
        #expect(ScatterPlan.within([], readOrders: [["a"]]) == nil)
        let map = ShardMap(partitionCount: 32, replicationFactor: 1, members: ["n1", "n2", "n3"])
        #expect(ScatterPlan.within(Set(map.replicas(ofKey: "u1")), readOrders: (0..<32).map(map.replicas(of:))) == nil)
    }

    @Test("a hedge the budget refused leaves the other replica to ask when the slow member then declines")
    func refusedHedgeLeavesReplicaAskable() {
        let readOrder = { (_: Int) in ["n1", "n3"] }
        var gathered = Recommender.ScatterAnswers(count: 3)
        gathered.markTried(["n1": [0, 1, 2]])
        // n1 is slow: a hedge is planned on n3, but the hedge budget is spent, so it is not sent.
        let hedge = ScatterPlan.alternatives(for: [0, 1, 2], of: "n1", pending: gathered.pending, tried: gathered.tried, readOrder: readOrder)
        #expect(hedge == ["n3": [0, 1, 2]])
        // n1 answers partition 0 and declines 1 and 2 (its replicas await hand-off): they go to n3.
        gathered.pending.remove(0)
        let reask = ScatterPlan.alternatives(for: [0, 1, 2], of: "n1", pending: gathered.pending, tried: gathered.tried, readOrder: readOrder)
        #expect(reask == ["n3": [1, 2]])
        // Once n3 is asked, nobody is left for a further decline.
        gathered.markTried(reask)
        #expect(ScatterPlan.alternatives(for: [1, 2], of: "n3", pending: gathered.pending, tried: gathered.tried, readOrder: readOrder).isEmpty)
    }
}
