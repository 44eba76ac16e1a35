import Testing
import TailorCRDT
import TailorMembership

@Suite("Counter catch-up of a member that joined or came back")
struct CounterCatchUpTests {
    static let landmark: Int64 = 1_764_000_000_000

    private func gossip(products: Int) -> CounterGossip {
        var gossip = CounterGossip(slot: SlotID(member: "gw", incarnation: 1), landmark: Self.landmark)
        for index in 0..<products {
            gossip.count(product: "p\(index)", weight: 1, atMillis: Self.landmark + 1_000, eventID: "e\(index)")
        }
        return gossip
    }

    @Test("the whole table reaches the member in chunks of 512, once, then the catch-up ends")
    func wholeTableOnce() {
        var gossip = gossip(products: 1_300)
        gossip.startCatchUp(of: "10.0.0.2:7101")
        var received = CounterTable(landmark: DecayedCounter.alignedLandmark(Self.landmark))
        var rounds = 0
        while case let chunks = gossip.catchUpChunks(), !chunks.isEmpty {
            rounds += 1
            #expect(chunks.map(\.member) == ["10.0.0.2:7101"])
            for chunk in chunks { received.merge(chunk.state) }
        }
        #expect(rounds == 3)
        #expect(received.productCount == 1_300)
        #expect(received.popularity(of: "p1299", nowMillis: Self.landmark + 1_000) > 0.99)
    }

    @Test("two members catch up side by side; an empty table starts no catch-up")
    func severalMembersAndEmpty() {
        var gossip = gossip(products: 600)
        gossip.startCatchUp(of: "a:1")
        gossip.startCatchUp(of: "b:1")
        #expect(gossip.catchUpChunks().map(\.member) == ["a:1", "b:1"])
        #expect(gossip.catchUpChunks().map(\.member) == ["a:1", "b:1"])
        #expect(gossip.catchUpChunks().isEmpty)

        var empty = CounterGossip(slot: SlotID(member: "gw", incarnation: 1), landmark: Self.landmark)
        empty.startCatchUp(of: "a:1")
        #expect(empty.catchUpChunks().isEmpty)
    }

    @Test("a member that holds nothing pulls the table with its digest, 2,048 products an answer at most")
    func anEmptyMemberPullsWithItsDigest() {
        let full = gossip(products: 5_000)
        var empty = CounterGossip(slot: SlotID(member: "n2", incarnation: 7), landmark: Self.landmark)
        var exchanges = 0
        while let answer = full.answer(digest: empty.digest) {
            exchanges += 1
            #expect(answer.state.products.count <= CounterGossip.answerLimit)
            _ = empty.receive(answer.state, nowMillis: Self.landmark + 2_000)
            // What the empty member sends back (its state of those buckets) changes nothing.
            #expect(full.state(ofBuckets: answer.buckets) == empty.state(ofBuckets: answer.buckets))
            if exchanges > 10 { break }
        }
        #expect(exchanges == 3 || exchanges == 4)
        #expect(empty.digest == full.digest && empty.table.digest() == full.table.digest())
    }

    @Test("a full member's digest reaching an empty one: asked for every bucket, it answers 2,048 products at most a round")
    func anEmptyMemberAsksAndIsAnsweredInBoundedParts() {
        let full = gossip(products: 5_000)
        var empty = CounterGossip(slot: SlotID(member: "n2", incarnation: 7), landmark: Self.landmark)
        var rounds = 0
        // The full member sends its digest; the empty one answers with nothing and asks
        // for the buckets that differ; the full member sends its state of them.
        while let asked = empty.answer(digest: full.digest), rounds < 10 {
            rounds += 1
            #expect(asked.state.products.isEmpty)
            let sent = full.state(ofBuckets: asked.buckets)
            #expect(sent.products.count <= CounterGossip.answerLimit && !sent.products.isEmpty)
            _ = empty.receive(sent, nowMillis: Self.landmark + 2_000)
        }
        #expect(rounds == 3 || rounds == 4)
        #expect(empty.digest == full.digest && empty.table.digest() == full.table.digest())
    }
}
